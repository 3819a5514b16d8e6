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

    /// <summary>Which direction the trigger belongs to; null for triggers valid in both.</summary>
    public virtual CallDirection? OnlyFor => null;

    // ---- outbound ----

    /// <summary>MediaNode event: the SDP offer for an outbound call is ready on <paramref name="NodeId"/>.</summary>
    public sealed record OfferReady(string NodeId) : CallTrigger
    {
        public override CallDirection? OnlyFor => CallDirection.Outbound;
    }

    /// <summary>Graph <c>connect</c> succeeded; <paramref name="Wacid"/> is Meta's <c>calls[0].id</c>.</summary>
    public sealed record ConnectSent(string Wacid) : CallTrigger
    {
        public override CallDirection? OnlyFor => CallDirection.Outbound;
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
    }

    /// <summary>MediaNode event: the SDP answer for an inbound call is ready on <paramref name="NodeId"/>.</summary>
    public sealed record AnswerReady(string NodeId) : CallTrigger
    {
        public override CallDirection? OnlyFor => CallDirection.Inbound;
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
    public sealed record Terminated(TerminateStatus Status, int? DurationSeconds, CallError? Error) : CallTrigger;

    /// <summary>The business asked to hang up (dial API DELETE).</summary>
    public sealed record HangupRequested : CallTrigger;

    /// <summary>
    /// MediaNode event: the call's audio plan finished (PlaybackFinished without a play id). Only this ends a
    /// connected call as Completed; a mid-call play's end is <see cref="PlayFinished"/>.
    /// </summary>
    public sealed record PlaybackFinished : CallTrigger;

    /// <summary>The business asked to play <paramref name="What"/> into the connected call (play API); <paramref name="PlayId"/> names it.</summary>
    public sealed record PlayRequested(string PlayId, string What) : CallTrigger;

    /// <summary>MediaNode event: the mid-call play <paramref name="PlayId"/> has been sent; the call goes on.</summary>
    public sealed record PlayFinished(string PlayId) : CallTrigger;

    /// <summary>MediaNode event: the node cannot serve the call (no capacity, ICE/DTLS failure, media lost).</summary>
    public sealed record MediaFailed(string Reason) : CallTrigger;

    /// <summary>A Graph request for this call (connect, pre_accept, accept) failed with Meta's error.</summary>
    public sealed record GraphError(int Code, string Message) : CallTrigger;

    /// <summary>The sweeper found the call past its deadline.</summary>
    public sealed record DeadlinePassed : CallTrigger;

    /// <summary>MediaNode event: media counters (usually after hang-up); never changes the state.</summary>
    public sealed record MediaStatsReported(MediaStats Stats) : CallTrigger;
}
