namespace Serverless.Testing.WhatsAppSimulator.Phone;

/// <summary>Why a phone ended its call; <see cref="ErrorCode"/> set means the terminate is FAILED with errors[].</summary>
public sealed class SimulatedPhoneEndedEventArgs(int? errorCode, string reason) : EventArgs
{
    /// <summary>Meta error code for errors[] (e.g. 138021 media receive timeout), or null for a normal hang-up.</summary>
    public int? ErrorCode { get; } = errorCode;

    /// <summary>Human-readable reason, used as the error title.</summary>
    public string Reason { get; } = reason;
}
