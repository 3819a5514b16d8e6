namespace Serverless.Shared.WhatsApp.Webhooks;

/// <summary>How a call ended (<c>status</c> on a terminate webhook; Meta's casing varies, read case-insensitively).</summary>
public enum CallTerminateStatus
{
    /// <summary>Absent, or a value Meta has not documented.</summary>
    Unknown,

    /// <summary><c>COMPLETED</c>: the call was picked up and ended normally.</summary>
    Completed,

    /// <summary><c>FAILED</c>: the call never connected or broke; <see cref="CallTerminate.Errors"/> says why.</summary>
    Failed,

    /// <summary><c>REJECTED</c>: seen in third-party models, not in Meta's text; kept distinct rather than folded.</summary>
    Rejected,
}
