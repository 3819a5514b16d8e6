namespace Serverless.Functions.Calls;

/// <summary>
/// What the call meant to the people involved, distinct from <see cref="CallState"/> (which says where the
/// machine is). Set when the call reaches a final state. Meta reports no "busy": a user who is busy either
/// declines (REJECTED) or does not answer (terminate FAILED without errors).
/// </summary>
public enum CallOutcome
{
    /// <summary>The call was connected and later hung up by either side.</summary>
    Completed,

    /// <summary>The user declined the outbound call (status REJECTED).</summary>
    Rejected,

    /// <summary>Nobody answered: the user (outbound) or the business (inbound) before the call was torn down.</summary>
    NoAnswer,

    /// <summary>The business hung up before the call was connected.</summary>
    Cancelled,

    /// <summary>An error ended the call: Meta error, media failure or timeout.</summary>
    Failed,
}
