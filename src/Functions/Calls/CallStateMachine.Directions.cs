using static Serverless.Functions.Calls.CallTrigger;

namespace Serverless.Functions.Calls;

/// <summary>Direction-specific transitions of non-final calls.</summary>
public sealed partial class CallStateMachine
{
    private TransitionResult ApplyOutbound(CallRecord call, CallTrigger trigger, DateTimeOffset now)
    {
        var state = call.State;
        return trigger switch
        {
            OfferReady offer => OnNodeReport(call, offer.NodeId, CallState.Preparing, null, now),
            ConnectSent connect when state == CallState.Preparing =>
                Enter(call, call with { Wacid = connect.Wacid, RingingAt = now }, CallState.Ringing, now),
            ConnectSent connect => call.Wacid == connect.Wacid
                ? Same("connect already recorded")
                : Refuse("connect with a different wacid than the one recorded"),

            // Everything below comes from Meta's webhooks, which we can only route once the wacid is stored.
            _ when state == CallState.Preparing => Refuse($"{trigger.Name} before Graph connect returned a wacid"),

            StatusRinging => Same("RINGING is audit only"),
            StatusAccepted => Same("ACCEPTED is audit only: Meta sends it after the call is established"),
            StatusRejected when state == CallState.Ringing =>
                End(call, now, CallState.Ended, CallOutcome.Rejected, new CallEndReason.Rejected(), null),
            StatusRejected => Refuse("REJECTED after media connected"),
            AnswerReceived when state == CallState.Connected => Same("media is already connected"),
            AnswerReceived when call.AnswerReceivedAt is not null => Same("answer already received"),
            AnswerReceived => Change(call, call with { AnswerReceivedAt = now }, now),

            // Media up proves the answer was applied, whatever order the deliveries took.
            MediaConnected when state == CallState.Ringing =>
                Enter(call, call with { MediaConnectedAt = now, ConnectedAt = now }, CallState.Connected, now),
            MediaConnected => Same("media already connected"),
            _ => Refuse($"{trigger.Name} is not a transition of outbound {state}"),
        };
    }

    private TransitionResult ApplyInbound(CallRecord call, CallTrigger trigger, DateTimeOffset now)
    {
        var state = call.State;
        return trigger switch
        {
            InboundOffer offer => call.Wacid == offer.Wacid
                ? Same("connect webhook re-delivered")
                : Refuse("connect webhook with a different wacid than the one recorded"),
            AnswerReady answer => OnNodeReport(call, answer.NodeId, CallState.Offered, CallState.Accepting, now),

            // Connected needs both our accept and media up; with pre_accept, media may come up first.
            Accepted when state == CallState.Offered => Refuse("accept before the answer was ready"),
            Accepted when call.AcceptedAt is not null => Same("accept already recorded"),
            Accepted => ConnectIfReady(call, call with { AcceptedAt = now }, now),
            MediaConnected when state == CallState.Offered => Refuse("media connected before the answer was ready"),
            MediaConnected when call.MediaConnectedAt is not null => Same("media already connected"),
            MediaConnected => ConnectIfReady(call, call with { MediaConnectedAt = now }, now),
            _ => Refuse($"{trigger.Name} is not a transition of inbound {state}"),
        };
    }

    /// <summary>
    /// A MediaNode report (offer/answer ready). In <paramref name="from"/> it records the node (and enters
    /// <paramref name="to"/> if given); later, the same node's report is a duplicate and another node's is refused.
    /// </summary>
    private TransitionResult OnNodeReport(CallRecord call, string nodeId, CallState from, CallState? to, DateTimeOffset now)
    {
        if (call.NodeId is { } owner)
        {
            return owner == nodeId ? Same("node report already recorded") : Refuse("report from a node that does not own the call");
        }

        if (call.State != from)
        {
            return Refuse($"node report in {call.State}");
        }

        // The claim ends the placement window: the state's own deadline, counted from when the call entered it.
        var changed = call with { NodeId = nodeId, Deadline = call.CreatedAt + Timeouts.For(from) };
        return to is { } next ? Enter(call, changed, next, now) : Change(call, changed, now);
    }

    private TransitionResult.Applied ConnectIfReady(CallRecord call, CallRecord changed, DateTimeOffset now) =>
        changed is { AcceptedAt: not null, MediaConnectedAt: not null }
            ? Enter(call, changed with { ConnectedAt = now }, CallState.Connected, now)
            : Change(call, changed, now);
}
