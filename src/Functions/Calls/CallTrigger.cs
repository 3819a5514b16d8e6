using System.Globalization;
using Serverless.Shared.Media;

namespace Serverless.Functions.Calls;

/// <summary>
/// Everything that can happen to a call, as a closed set (the only subclasses are nested here). Triggers carry
/// only what the state machine needs; SDPs and webhook bodies stay with the caller.
/// </summary>
public abstract record CallTrigger
{
    private CallTrigger()
    {
    }

    /// <summary>Stable name recorded in the event history.</summary>
    public string Name => GetType().Name;

    /// <summary>What happened, for people (the history's <c>detail</c>); never secrets or phone numbers.</summary>
    public virtual string Describe() => this switch
    {
        StatusRinging => "The user's phone is ringing.",
        StatusAccepted => "Meta reports the user accepted the call.",
        StatusRejected => "The user declined the call.",
        AnswerReceived => "The user answered; Meta sent the SDP answer.",
        Accepted => "Meta accepted our answer to the user's call.",
        MediaConnected => "Audio is flowing (ICE and DTLS up).",
        HangupRequested => "The business hung up.",
        PlaybackFinished => "The audio plan finished.",
        DeadlinePassed => "No progress before the state's deadline.",
        _ => Name,
    };

    /// <summary>Which direction the trigger belongs to; null for triggers valid in both.</summary>
    public virtual CallDirection? OnlyFor => null;

    // ---- outbound ----

    /// <summary>MediaNode event: the SDP offer for an outbound call is ready on <paramref name="NodeId"/>.</summary>
    public sealed record OfferReady(string NodeId) : CallTrigger
    {
        public override CallDirection? OnlyFor => CallDirection.Outbound;

        public override string Describe() => $"Media node {NodeId} made the SDP offer.";
    }

    /// <summary>Graph <c>connect</c> succeeded; <paramref name="Wacid"/> is Meta's <c>calls[0].id</c>.</summary>
    public sealed record ConnectSent(string Wacid) : CallTrigger
    {
        public override CallDirection? OnlyFor => CallDirection.Outbound;

        public override string Describe() => $"Meta accepted the connect request (call {Wacid}).";
    }

    /// <summary>Webhook <c>statuses[].status = RINGING</c>.</summary>
    public sealed record StatusRinging : CallTrigger
    {
        public override CallDirection? OnlyFor => CallDirection.Outbound;
    }

    /// <summary>Webhook <c>statuses[].status = ACCEPTED</c>; Meta sends it after the call is established (audit).</summary>
    public sealed record StatusAccepted : CallTrigger
    {
        public override CallDirection? OnlyFor => CallDirection.Outbound;
    }

    /// <summary>Webhook <c>statuses[].status = REJECTED</c>; a terminate webhook follows.</summary>
    public sealed record StatusRejected : CallTrigger
    {
        public override CallDirection? OnlyFor => CallDirection.Outbound;
    }

    /// <summary>Webhook <c>calls[].event = connect</c> with Meta's SDP answer for our outbound offer.</summary>
    public sealed record AnswerReceived : CallTrigger
    {
        public override CallDirection? OnlyFor => CallDirection.Outbound;
    }

    // ---- inbound ----

    /// <summary>Webhook <c>calls[].event = connect</c> with the user's offer (a re-delivery once the call exists).</summary>
    public sealed record InboundOffer(string Wacid) : CallTrigger
    {
        public override CallDirection? OnlyFor => CallDirection.Inbound;

        public override string Describe() => $"Meta offered the user's call {Wacid}.";
    }

    /// <summary>MediaNode event: the SDP answer for an inbound call is ready on <paramref name="NodeId"/>.</summary>
    public sealed record AnswerReady(string NodeId) : CallTrigger
    {
        public override CallDirection? OnlyFor => CallDirection.Inbound;

        public override string Describe() => $"Media node {NodeId} made the SDP answer.";
    }

    /// <summary>Graph <c>accept</c> returned success.</summary>
    public sealed record Accepted : CallTrigger
    {
        public override CallDirection? OnlyFor => CallDirection.Inbound;
    }

    // ---- both directions ----

    /// <summary>MediaNode event: ICE and DTLS are up, audio can flow.</summary>
    public sealed record MediaConnected : CallTrigger;

    /// <summary>Webhook <c>calls[].event = terminate</c>; <paramref name="Error"/> is the first of <c>errors[]</c>.</summary>
    public sealed record Terminated(TerminateStatus Status, int? DurationSeconds, CallError? Error) : CallTrigger
    {
        public override string Describe() =>
            $"Meta ended the call ({Status}{(DurationSeconds is { } s ? string.Create(CultureInfo.InvariantCulture, $", {s} s") : string.Empty)}{(Error is { } e ? $", {e.Code}: {e.Message}" : string.Empty)}).";
    }

    /// <summary>The business asked to hang up (dial API DELETE).</summary>
    public sealed record HangupRequested : CallTrigger;

    /// <summary>
    /// MediaNode event: the call's audio plan finished (PlaybackFinished without a play id). Only this ends a
    /// connected call as Completed; a mid-call play's end is <see cref="PlayFinished"/>.
    /// </summary>
    public sealed record PlaybackFinished : CallTrigger;

    /// <summary>The business asked to play <paramref name="What"/> into the connected call (play API); <paramref name="PlayId"/> names it.</summary>
    public sealed record PlayRequested(string PlayId, string What) : CallTrigger
    {
        public override string Describe() => $"The business played {What} (play {PlayId}).";
    }

    /// <summary>MediaNode event: the mid-call play <paramref name="PlayId"/> has been sent; the call goes on.</summary>
    public sealed record PlayFinished(string PlayId) : CallTrigger
    {
        public override string Describe() => $"Play {PlayId} finished; the call goes on.";
    }

    /// <summary>MediaNode event: the node cannot serve the call (no capacity, ICE/DTLS failure, media lost).</summary>
    public sealed record MediaFailed(CallError Error) : CallTrigger
    {
        public override string Describe() => $"Media failed ({Error.Code}): {Error.Message}";
    }

    /// <summary>
    /// The node registry found <paramref name="NodeId"/>, which carries the call, silent past the dead-node threshold:
    /// the call fails <c>node-lost</c>. A call carried by another node is not affected.
    /// </summary>
    public sealed record NodeLost(string NodeId) : CallTrigger
    {
        public override string Describe() => $"Media node {NodeId} stopped sending heartbeats; its calls are lost.";
    }

    /// <summary>
    /// MediaNode event: <paramref name="NodeId"/>, carrying the call, reached its drain deadline (SIGTERM) with the call
    /// still up and ended its media (<c>MediaEnded</c> with reason <c>NodeDrained</c>): the call fails
    /// <c>node-drained</c>, never Completed. A call carried by another node is not affected.
    /// </summary>
    public sealed record NodeDrained(string NodeId) : CallTrigger
    {
        public override string Describe() => $"Media node {NodeId} shut down with the call still up at its drain deadline.";
    }

    /// <summary>A Graph request for this call (connect, pre_accept, accept) failed with Meta's error.</summary>
    public sealed record GraphError(int Code, string Message) : CallTrigger
    {
        public override string Describe() => string.Create(CultureInfo.InvariantCulture, $"Meta refused our request ({Code}): {Message}");
    }

    /// <summary>The sweeper found the call past its deadline.</summary>
    public sealed record DeadlinePassed : CallTrigger;

    /// <summary>MediaNode event: the final media report (usually after hang-up); never changes the state.</summary>
    public sealed record MediaStatsReported(MediaStats Stats, RecordingInfo? Recording = null) : CallTrigger
    {
        public override string Describe()
        {
            var media = string.Create(
                CultureInfo.InvariantCulture, $"Media ended: {Stats.PacketsSent} packets sent, {Stats.PacketsReceived} received, {Stats.PacketsLost} lost");
            return Recording is { } r
                ? media + string.Create(CultureInfo.InvariantCulture, $"; recording of {r.DurationSeconds:0.#} s ({r.SizeBytes} bytes).")
                : media + ".";
        }
    }

    /// <summary>MediaNode event: the user entered digits (a collect step's result or a stray key); never changes the state.</summary>
    public sealed record InputReceived(DigitInput Input) : CallTrigger
    {
        public override string Describe() =>
            $"The user entered '{Input.Digits}'{(Input.Name is { } n ? $" at '{n}'" : string.Empty)} ({Input.EndedBy}{(Input.Terminator is { } t ? " " + t : string.Empty)}).";
    }

    /// <summary>MediaNode event: a stream step of the plan ended; data for the history, never changes the state.</summary>
    public sealed record StreamReported(StreamResult Result) : CallTrigger
    {
        public override string Describe() => string.Create(
            CultureInfo.InvariantCulture,
            $"Stream{(Result.Name is { } n ? $" '{n}'" : string.Empty)} ({Result.Dialect}) ended: {Result.Outcome}{(Result.Detail is { } d ? $" ({d})" : string.Empty)}; "
            + $"{Result.FramesSent} frames sent, {Result.FramesPlayed} played, {Result.MarksConfirmed} marks, {Result.Clears} clears.");
    }

    // ---- agent console (history and agent fields; only the commands count in the call's sequence) ----

    /// <summary>MediaNode event: the plan's <c>connectAgent</c> step asks for an agent of <paramref name="Queue"/>.</summary>
    public sealed record AgentRequested(string Queue, int TimeoutSeconds) : CallTrigger
    {
        public override string Describe() => string.Create(CultureInfo.InvariantCulture, $"The call waits for an agent of queue '{Queue}' (up to {TimeoutSeconds} s).");
    }

    /// <summary>The console sent <paramref name="What"/> (ConnectAgent, MuteAgent) to the call's node: counted in its command sequence.</summary>
    public sealed record AgentCommandSent(string What) : CallTrigger
    {
        public override string Describe() => $"The agent console sent {What}.";
    }

    /// <summary>MediaNode event: the agent's browser leg is up and bridged to the call.</summary>
    public sealed record AgentConnected(string AgentId, string AgentName) : CallTrigger
    {
        public override string Describe() => $"Agent {AgentName} is connected to the call.";
    }

    /// <summary>MediaNode event: the agent's leg ended (<paramref name="Reason"/>); the call may go on.</summary>
    public sealed record AgentLegEnded(string LegId, string Reason) : CallTrigger
    {
        public override string Describe() => $"The agent's leg {LegId} ended: {Reason}.";
    }

    /// <summary>MediaNode event: nobody took the call from <paramref name="Queue"/> (<paramref name="Reason"/>, e.g. timeout); the plan's onNoAgent runs.</summary>
    public sealed record AgentRequestEnded(string Queue, string Reason) : CallTrigger
    {
        public override string Describe() => $"No agent of queue '{Queue}' took the call: {Reason}.";
    }

    /// <summary>The sweeper found a final call whose node never sent its final report in time.</summary>
    public sealed record MediaReportOverdue : CallTrigger
    {
        public override string Describe() => "The media node's final report did not arrive in time; the call is reported without it.";
    }
}
