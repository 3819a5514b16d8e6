namespace Serverless.Functions.Calls;

/// <summary>
/// Lifecycle of a call. Outbound: Preparing → Ringing → Connected → Ended.
/// Inbound: Offered → Accepting → Connected → Ended. Failed is reachable from every non-final state.
/// The full transition table is in CallStateMachine.md next to this file.
/// </summary>
public enum CallState
{
    /// <summary>Outbound: created, the MediaNode is building the SDP offer.</summary>
    Preparing,

    /// <summary>Outbound: Graph <c>connect</c> accepted, Meta's wacid is known, the user's phone may ring.</summary>
    Ringing,

    /// <summary>Inbound: Meta's connect webhook with the user's offer arrived.</summary>
    Offered,

    /// <summary>Inbound: the MediaNode produced the answer; pre_accept/accept are being sent.</summary>
    Accepting,

    /// <summary>Media flows (outbound: answer applied and media up; inbound: accept sent and media up).</summary>
    Connected,

    /// <summary>Final: the call ended normally (completed, rejected, not answered, cancelled).</summary>
    Ended,

    /// <summary>Final: the call ended because of an error (Meta error, media failure, timeout).</summary>
    Failed,
}

public static class CallStateExtensions
{
    public static bool IsFinal(this CallState state) => state is CallState.Ended or CallState.Failed;
}
