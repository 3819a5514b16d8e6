using System.Text.Json;
using Serverless.Functions.Calls;
using Serverless.Shared.Media;

namespace Serverless.Functions.Flows;

/// <summary>
/// Builds the MediaNode commands of a call. MessageIds are derived from the call id and the command's role, so a
/// re-send after a failure is recognised by the node as the same command. Sequences follow the transport rule
/// (start 0, then +1 per follow-up): a call only ever gets start, at most one ApplyAnswer (outbound), one Hangup.
/// </summary>
public static class CallCommands
{
    public static StartOutbound StartOutbound(CallRecord call, JsonElement? audioPlan, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(call);
        return new StartOutbound
        {
            MessageId = call.CallId + ":start",
            CallId = call.CallId,
            CreatedAt = now,
            Sequence = 0,
            PhoneNumberId = call.BusinessPhoneNumberId,
            AudioPlan = audioPlan,
        };
    }

    public static StartInbound StartInbound(CallRecord call, string offerSdp, DateTimeOffset now, System.Text.Json.JsonElement? audioPlan = null)
    {
        ArgumentNullException.ThrowIfNull(call);
        return new StartInbound
        {
            MessageId = call.CallId + ":start",
            CallId = call.CallId,
            CreatedAt = now,
            Sequence = 0,
            OfferSdp = offerSdp,
            PhoneNumberId = call.BusinessPhoneNumberId,
            AudioPlan = audioPlan,
        };
    }

    /// <summary>Outbound only, sequence 1: the answer is the first follow-up an outbound call can get.</summary>
    public static ApplyAnswer ApplyAnswer(CallRecord call, string nodeId, string answerSdp, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(call);
        return new ApplyAnswer
        {
            MessageId = call.CallId + ":answer",
            CallId = call.CallId,
            NodeId = nodeId,
            CreatedAt = now,
            Sequence = 1,
            Sdp = answerSdp,
        };
    }

    /// <summary>
    /// The last command of a call on <paramref name="nodeId"/>. It follows ApplyAnswer when the call got one
    /// (AnswerReceived is only applied before the call is final, and always sends ApplyAnswer), else the start.
    /// </summary>
    public static Hangup Hangup(CallRecord call, string nodeId, HangupReason reason, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(call);
        var sentAnswer = call.Direction == CallDirection.Outbound && call.AnswerReceivedAt is not null && call.NodeId == nodeId;
        return new Hangup
        {
            MessageId = $"{call.CallId}:hangup:{nodeId}",
            CallId = call.CallId,
            NodeId = nodeId,
            CreatedAt = now,
            Sequence = sentAnswer ? 2 : 1,
            Reason = reason,
        };
    }

    /// <summary>Why the node should hang up, from why the call ended.</summary>
    public static HangupReason ReasonFor(CallRecord call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return call.EndReason switch
        {
            CallEndReason.BusinessHangup => HangupReason.Business,
            CallEndReason.UserHangup => HangupReason.User,
            CallEndReason.Rejected => HangupReason.Rejected,
            CallEndReason.NoAnswer => HangupReason.NoAnswer,
            CallEndReason.Completed => HangupReason.Completed,
            CallEndReason.Timeout when call.Outcome == CallOutcome.NoAnswer => HangupReason.NoAnswer,
            _ => HangupReason.Failed,
        };
    }
}
