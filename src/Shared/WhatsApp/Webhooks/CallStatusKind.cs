namespace Serverless.Shared.WhatsApp.Webhooks;

/// <summary>Progress of an outbound call (<c>statuses[].status</c>; read case-insensitively).</summary>
public enum CallStatusKind
{
    /// <summary>A value Meta has not documented; <see cref="CallStatus.StatusText"/> has it.</summary>
    Unknown,

    /// <summary><c>RINGING</c>: the user's phone rings.</summary>
    Ringing,

    /// <summary><c>ACCEPTED</c>: audit only, usually arrives after media already flows; do not gate media on it.</summary>
    Accepted,

    /// <summary><c>REJECTED</c>: a terminate webhook follows.</summary>
    Rejected,

    /// <summary><c>busy</c>: seed-guide shape only.</summary>
    Busy,

    /// <summary><c>no_answer</c>: seed-guide shape only.</summary>
    NoAnswer,
}
