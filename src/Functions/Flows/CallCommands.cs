using System.Text.Json;
using Serverless.Functions.Calls;
using Serverless.Shared.Media;

namespace Serverless.Functions.Flows;

/// <summary>
/// Builds the MediaNode commands of a call. MessageIds are derived from the call id and the command's role, so a
/// re-send after a failure is recognised by the node as the same command. Sequences follow the transport rule
/// (start 0, then +1 per follow-up): a call gets start, at most one ApplyAnswer (outbound), its mid-call Plays in the
/// order the store counted them (<see cref="CallRecord.PlaysSent"/>), one Hangup.
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
    /// (AnswerReceived is only applied before the call is final, and always sends ApplyAnswer), else the start, and
    /// every Play the owning node was sent.
    /// </summary>
    public static Hangup Hangup(CallRecord call, string nodeId, HangupReason reason, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(call);
        var owner = call.NodeId == nodeId;
        return new Hangup
        {
            MessageId = $"{call.CallId}:hangup:{nodeId}",
            CallId = call.CallId,
            NodeId = nodeId,
            CreatedAt = now,
            Sequence = FirstFollowUp(call, nodeId) + (owner ? call.PlaysSent : 0),
            Reason = reason,
        };
    }

    /// <summary>
    /// A mid-call play to the owning node. <paramref name="call"/> is the record the store returned after counting
    /// this play (<see cref="CallRecord.PlaysSent"/>), which fixes its place in the sequence. The MessageId is
    /// <c>{callId}:{playId}</c>, which the node's PlaybackFinished echoes.
    /// </summary>
    public static Play Play(CallRecord call, string playId, PlayRequest request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(call);
        var nodeId = call.NodeId ?? throw new InvalidOperationException($"Call {call.CallId} has no node to play on.");
        return new Play
        {
            MessageId = call.CallId + ":" + playId,
            CallId = call.CallId,
            NodeId = nodeId,
            CreatedAt = now,
            Sequence = FirstFollowUp(call, nodeId) + call.PlaysSent - 1,
            Request = request,
        };
    }

    /// <summary>
    /// The sequence of a mid-call command to the owning node, from the record the store returned after counting it
    /// (<see cref="CallRecord.PlaysSent"/> counts Plays and the console's agent commands alike).
    /// </summary>
    public static long MidCallSequence(CallRecord call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var nodeId = call.NodeId ?? throw new InvalidOperationException($"Call {call.CallId} has no node.");
        return FirstFollowUp(call, nodeId) + call.PlaysSent - 1;
    }

    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdef");

    /// <summary>A new play id, <c>play-</c> and 12 hex digits: what the API returns and the callback carries.</summary>
    public static string NewPlayId() => "play-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>The play id in a PlaybackFinished's <c>playMessageId</c>, when it names a play of <paramref name="callId"/>.</summary>
    public static bool TryParsePlayId(string callId, string? playMessageId, out string playId)
    {
        ArgumentNullException.ThrowIfNull(callId);
        playId = string.Empty;
        var prefix = callId + ":play-";
        if (playMessageId is null || playMessageId.Length != prefix.Length + 12 || !playMessageId.StartsWith(prefix, StringComparison.Ordinal)
            || playMessageId.AsSpan(prefix.Length).ContainsAnyExcept(HexDigits))
        {
            return false;
        }

        playId = playMessageId[(callId.Length + 1)..];
        return true;
    }

    // The start is 0; an outbound call's ApplyAnswer (sent once AnswerReceived is recorded) is 1 on the owning node.
    private static long FirstFollowUp(CallRecord call, string nodeId) =>
        call.Direction == CallDirection.Outbound && call.AnswerReceivedAt is not null && call.NodeId == nodeId ? 2 : 1;

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
