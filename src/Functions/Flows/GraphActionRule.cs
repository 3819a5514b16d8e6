using Serverless.Functions.Calls;

namespace Serverless.Functions.Flows;

/// <summary>The Graph <c>/calls</c> actions the flows send for a call.</summary>
public enum CallGraphAction
{
    Connect,
    PreAccept,
    Accept,
    Reject,
    Terminate,
}

/// <summary>
/// The one rule every Graph action on a call passes, checked on the call's record as read just before the request
/// (issue 14, "accept after the user hung up"): Meta answers an action on a call it already ended with 400, and a
/// user's terminate webhook can land while an earlier request of ours is in flight.
/// <list type="bullet">
/// <item>connect, pre_accept and accept move a call forward: they go out only while the call is not final.</item>
/// <item>reject and terminate end it: they go out while the call is not final, or when the call's ending is the one the
/// caller is carrying to Meta (<paramref name="ending"/> in <see cref="SkipReason"/>); an ending Meta caused (its
/// terminate webhook, REJECTED) or another ending already carried to Meta means Meta knows.</item>
/// </list>
/// </summary>
public static class GraphActionRule
{
    /// <summary>Null when the action may be sent, else why it is skipped.</summary>
    /// <param name="action">The Graph action about to be sent.</param>
    /// <param name="current">The call as read just now (null: no such call).</param>
    /// <param name="ending">For reject/terminate: the final record whose ending this request carries to Meta.</param>
    public static string? SkipReason(CallGraphAction action, CallRecord? current, CallRecord? ending = null)
    {
        if (current is null)
        {
            return "the call is not stored";
        }

        if (!current.IsFinal)
        {
            return null;
        }

        var ends = action is CallGraphAction.Reject or CallGraphAction.Terminate;
        if (ends && ending is { IsFinal: true } ours && ours.CallId == current.CallId && ours.EndedAt == current.EndedAt)
        {
            return null;
        }

        return $"the call already ended ({current.State}, {current.EndReason?.GetType().Name ?? "no reason"})";
    }
}
