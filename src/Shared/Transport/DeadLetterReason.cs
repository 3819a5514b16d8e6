namespace Serverless.Shared.Transport;

/// <summary>Why a command was moved to the poison / dead-letter queue.</summary>
public enum DeadLetterReason
{
    /// <summary>The body is not a command this code can read (malformed, unknown type, newer schema).</summary>
    Unreadable,

    /// <summary>The handler failed on every one of the allowed attempts.</summary>
    MaxAttemptsExceeded,

    /// <summary>The command waited longer than allowed for an earlier command of its call.</summary>
    PredecessorMissing,
}
