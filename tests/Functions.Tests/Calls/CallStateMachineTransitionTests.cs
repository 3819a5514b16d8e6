using Serverless.Functions.Calls;
using static Serverless.Functions.Calls.CallTrigger;
using static Serverless.Functions.Tests.Calls.CallScenarios;

namespace Serverless.Functions.Tests.Calls;

/// <summary>Every legal transition of CallStateMachine.md, and the refusals and no-ops around them.</summary>
public sealed class CallStateMachineTransitionTests
{
    private sealed record Legal(Func<CallRecord> From, CallTrigger Trigger, CallState State, CallOutcome? Outcome, CallEndReason? Reason);

    private static readonly CallError NoPermission = CallError.Meta(138006, "No approved call permission found");
    private static readonly CallError MediaTimeout = CallError.Meta(138021, "Media receive timeout");

    private static readonly Dictionary<string, Legal> LegalCases = new()
    {
        ["Outbound Preparing OfferReady records node"] = new(NewOutbound, new OfferReady(Node), CallState.Preparing, null, null),
        ["Outbound Preparing ConnectSent rings"] = new(NewOutbound, new ConnectSent(Wacid), CallState.Ringing, null, null),
        ["Outbound Preparing GraphError fails"] = new(NewOutbound, new GraphError(138006, NoPermission.Message), CallState.Failed, CallOutcome.Failed, new CallEndReason.MetaError(138006, NoPermission.Message)),
        ["Outbound Preparing MediaFailed fails"] = new(NewOutbound, new MediaFailed(new CallError("capacity", "node at capacity")), CallState.Failed, CallOutcome.Failed, new CallEndReason.MediaFailed("capacity")),
        ["Outbound Preparing Hangup cancels"] = new(NewOutbound, new HangupRequested(), CallState.Ended, CallOutcome.Cancelled, new CallEndReason.BusinessHangup()),
        ["Outbound Ringing AnswerReceived records answer"] = new(Ringing, new AnswerReceived(), CallState.Ringing, null, null),
        ["Outbound Ringing MediaConnected connects"] = new(Ringing, new MediaConnected(), CallState.Connected, null, null),
        ["Outbound Ringing REJECTED ends rejected"] = new(Ringing, new StatusRejected(), CallState.Ended, CallOutcome.Rejected, new CallEndReason.Rejected()),
        ["Outbound Ringing terminate FAILED is no answer"] = new(Ringing, new Terminated(TerminateStatus.Failed, null, null), CallState.Ended, CallOutcome.NoAnswer, new CallEndReason.NoAnswer()),
        ["Outbound Ringing terminate FAILED with error fails"] = new(Ringing, new Terminated(TerminateStatus.Failed, null, MediaTimeout), CallState.Failed, CallOutcome.Failed, new CallEndReason.MetaError(138021, MediaTimeout.Message)),
        ["Outbound Ringing terminate COMPLETED completes"] = new(Ringing, new Terminated(TerminateStatus.Completed, 5, null), CallState.Ended, CallOutcome.Completed, new CallEndReason.UserHangup()),
        ["Outbound Ringing Hangup cancels"] = new(Ringing, new HangupRequested(), CallState.Ended, CallOutcome.Cancelled, new CallEndReason.BusinessHangup()),
        ["Outbound Ringing GraphError fails"] = new(Ringing, new GraphError(138004, "Connection error"), CallState.Failed, CallOutcome.Failed, new CallEndReason.MetaError(138004, "Connection error")),
        ["Outbound Connected terminate COMPLETED is user hangup"] = new(OutboundConnected, new Terminated(TerminateStatus.Completed, 120, null), CallState.Ended, CallOutcome.Completed, new CallEndReason.UserHangup()),
        ["Outbound Connected Hangup is business hangup"] = new(OutboundConnected, new HangupRequested(), CallState.Ended, CallOutcome.Completed, new CallEndReason.BusinessHangup()),
        ["Outbound Connected PlaybackFinished completes"] = new(OutboundConnected, new PlaybackFinished(), CallState.Ended, CallOutcome.Completed, new CallEndReason.Completed()),
        ["Outbound Connected MediaFailed fails"] = new(OutboundConnected, new MediaFailed(new CallError("internal", "peer crashed")), CallState.Failed, CallOutcome.Failed, new CallEndReason.MediaFailed("internal")),
        ["Outbound Connected media lost waits for Meta's terminate"] = new(OutboundConnected, new MediaFailed(new CallError("ice-failed", "consent lost")), CallState.Connected, null, null),
        ["Outbound Connected terminate FAILED without error is dropped"] = new(OutboundConnected, new Terminated(TerminateStatus.Failed, null, null), CallState.Failed, CallOutcome.Failed, new CallEndReason.Dropped()),
        ["Inbound Offered AnswerReady accepts"] = new(NewInbound, new AnswerReady(Node), CallState.Accepting, null, null),
        ["Inbound Offered terminate FAILED is no answer"] = new(NewInbound, new Terminated(TerminateStatus.Failed, null, null), CallState.Ended, CallOutcome.NoAnswer, new CallEndReason.NoAnswer()),
        ["Inbound Offered MediaFailed fails"] = new(NewInbound, new MediaFailed(new CallError("capacity", "node at capacity")), CallState.Failed, CallOutcome.Failed, new CallEndReason.MediaFailed("capacity")),
        ["Inbound Offered Hangup cancels"] = new(NewInbound, new HangupRequested(), CallState.Ended, CallOutcome.Cancelled, new CallEndReason.BusinessHangup()),
        ["Inbound Accepting Accepted waits for media"] = new(Accepting, new Accepted(), CallState.Accepting, null, null),
        ["Inbound Accepting MediaConnected waits for accept"] = new(Accepting, new MediaConnected(), CallState.Accepting, null, null),
        ["Inbound Accepting GraphError fails"] = new(Accepting, new GraphError(100, "Invalid parameter"), CallState.Failed, CallOutcome.Failed, new CallEndReason.MetaError(100, "Invalid parameter")),
        ["Inbound Accepting terminate COMPLETED completes"] = new(Accepting, new Terminated(TerminateStatus.Completed, 3, null), CallState.Ended, CallOutcome.Completed, new CallEndReason.UserHangup()),
        ["Inbound Connected terminate COMPLETED is user hangup"] = new(InboundConnected, new Terminated(TerminateStatus.Completed, 60, null), CallState.Ended, CallOutcome.Completed, new CallEndReason.UserHangup()),
        ["Outbound Connected NodeLost fails"] = new(OutboundConnected, new NodeLost(Node), CallState.Failed, CallOutcome.Failed, new CallEndReason.MediaFailed("node-lost")),
        ["Outbound Ringing NodeLost fails"] = new(Ringing, new NodeLost(Node), CallState.Failed, CallOutcome.Failed, new CallEndReason.MediaFailed("node-lost")),
        ["Inbound Accepting NodeLost fails"] = new(Accepting, new NodeLost(Node), CallState.Failed, CallOutcome.Failed, new CallEndReason.MediaFailed("node-lost")),
        ["Outbound Connected NodeDrained fails"] = new(OutboundConnected, new NodeDrained(Node), CallState.Failed, CallOutcome.Failed, new CallEndReason.MediaFailed("node-drained")),
        ["Outbound Ringing NodeDrained fails"] = new(Ringing, new NodeDrained(Node), CallState.Failed, CallOutcome.Failed, new CallEndReason.MediaFailed("node-drained")),
        ["Inbound Connected NodeDrained fails"] = new(InboundConnected, new NodeDrained(Node), CallState.Failed, CallOutcome.Failed, new CallEndReason.MediaFailed("node-drained")),
        ["Inbound Connected Hangup is business hangup"] = new(InboundConnected, new HangupRequested(), CallState.Ended, CallOutcome.Completed, new CallEndReason.BusinessHangup()),
    };

    public static TheoryData<string> LegalNames => [.. LegalCases.Keys];

    [Fact]
    public void NodeLost_fails_with_node_lost_and_awaits_no_report_from_the_dead_node_while_another_node_changes_nothing()
    {
        var from = OutboundConnected();
        var now = from.UpdatedAt.AddSeconds(9);

        var lost = Assert.IsType<TransitionResult.Applied>(Machine.Apply(from, new NodeLost(Node), now)).Current;
        Assert.Equal("node-lost", lost.LastError?.Code);
        Assert.Null(lost.MediaReportDue);

        Assert.IsType<TransitionResult.NoChange>(Machine.Apply(from, new NodeLost("node-2"), now));
    }

    [Fact]
    public void NodeDrained_fails_with_node_drained_never_Completed_while_another_node_or_an_ended_call_changes_nothing()
    {
        var from = OutboundConnected();
        var now = from.UpdatedAt.AddSeconds(9);

        var drained = Assert.IsType<TransitionResult.Applied>(Machine.Apply(from, new NodeDrained(Node), now)).Current;
        Assert.Equal((CallState.Failed, CallOutcome.Failed, "node-drained"), (drained.State, drained.Outcome, drained.LastError?.Code));
        Assert.Contains(Node, drained.LastError!.Message, StringComparison.Ordinal);

        Assert.IsType<TransitionResult.NoChange>(Machine.Apply(from, new NodeDrained("node-2"), now));
        var completed = Assert.IsType<TransitionResult.Applied>(Machine.Apply(from, new PlaybackFinished(), now)).Current;
        Assert.IsType<TransitionResult.NoChange>(Machine.Apply(completed, new NodeDrained(Node), now.AddSeconds(1)));
    }

    [Theory]
    [MemberData(nameof(LegalNames))]
    public void Legal_transition_is_applied(string name)
    {
        var c = LegalCases[name];
        var from = c.From();
        var now = from.UpdatedAt.AddSeconds(7);

        var applied = Assert.IsType<TransitionResult.Applied>(Machine.Apply(from, c.Trigger, now));

        var to = applied.Current;
        Assert.Same(from, applied.Previous);
        Assert.Equal(c.State, to.State);
        Assert.Equal(c.Outcome, to.Outcome);
        Assert.Equal(c.Reason, to.EndReason);
        Assert.Equal(now, to.UpdatedAt);
        Assert.Equal(from.Version, to.Version);
        if (to.IsFinal)
        {
            Assert.True(applied.BecameFinal);
            Assert.Equal(now, to.EndedAt);
            Assert.Null(to.Deadline);
            Assert.NotNull(to.Duration);
        }
        else
        {
            Assert.NotNull(to.Deadline);
            Assert.True(to.Deadline > now);
        }
    }

    [Fact]
    public void ConnectSent_stores_wacid_and_ringing_deadline()
    {
        var now = T0.AddSeconds(2);
        var to = Assert.IsType<TransitionResult.Applied>(Machine.Apply(NewOutbound(), new ConnectSent(Wacid), now)).Current;

        Assert.Equal(Wacid, to.Wacid);
        Assert.Equal(now, to.RingingAt);
        Assert.Equal(now + CallTimeouts.Default.Ringing, to.Deadline);
    }

    [Fact]
    public void GraphError_on_connect_keeps_Meta_code_as_last_error()
    {
        var to = Assert.IsType<TransitionResult.Applied>(
            Machine.Apply(NewOutbound(), new GraphError(138006, NoPermission.Message), T0.AddSeconds(1))).Current;

        Assert.Equal(NoPermission, to.LastError);
    }

    [Fact]
    public void Terminate_duration_from_Meta_wins_over_local_clock()
    {
        var to = Drive(OutboundConnected(), new Terminated(TerminateStatus.Completed, 120, null));

        Assert.Equal(TimeSpan.FromSeconds(120), to.Duration);
    }

    [Fact]
    public void Business_hangup_duration_runs_from_connected_to_now()
    {
        var connected = OutboundConnected();
        var now = connected.ConnectedAt!.Value.AddSeconds(42);

        var to = Assert.IsType<TransitionResult.Applied>(Machine.Apply(connected, new HangupRequested(), now)).Current;

        Assert.Equal(TimeSpan.FromSeconds(42), to.Duration);
    }

    [Fact]
    public void Inbound_connects_when_accept_and_media_both_happened_in_either_order()
    {
        var acceptFirst = Drive(Accepting(), new Accepted(), new MediaConnected());
        var mediaFirst = Drive(Accepting(), new MediaConnected(), new Accepted());

        Assert.Equal(CallState.Connected, acceptFirst.State);
        Assert.Equal(CallState.Connected, mediaFirst.State);
        Assert.NotNull(mediaFirst.ConnectedAt);
    }

    [Theory]
    [InlineData(CallState.Preparing, CallOutcome.Failed)]
    [InlineData(CallState.Ringing, CallOutcome.NoAnswer)]
    [InlineData(CallState.Connected, CallOutcome.Failed)]
    [InlineData(CallState.Accepting, CallOutcome.Failed)]
    public void DeadlinePassed_after_deadline_fails_with_timeout(CallState state, CallOutcome outcome)
    {
        // A node claimed the call (an Offered call a node claimed is Accepting: an Offered one is always unplaced).
        var call = state == CallState.Preparing ? Drive(NewOutbound(), new OfferReady(Node)) : InState(state);
        var deadline = call.Deadline!.Value;

        var early = Machine.Apply(call, new DeadlinePassed(), deadline.AddMilliseconds(-1));
        var late = Machine.Apply(call, new DeadlinePassed(), deadline);

        Assert.IsType<TransitionResult.NoChange>(early);
        var to = Assert.IsType<TransitionResult.Applied>(late).Current;
        Assert.Equal(CallState.Failed, to.State);
        Assert.Equal(outcome, to.Outcome);
        Assert.Equal(new CallEndReason.Timeout(state), to.EndReason);
        Assert.Equal(CallErrorCodes.Timeout, to.LastError?.Code);
    }

    [Theory]
    [InlineData(CallState.Preparing)]
    [InlineData(CallState.Offered)]
    public void A_call_no_node_claimed_fails_with_capacity_at_the_placement_window(CallState state)
    {
        var call = InState(state);
        Assert.Equal(T0 + CallTimeouts.Default.Placement, call.Deadline);

        var early = Machine.Apply(call, new DeadlinePassed(), call.Deadline!.Value.AddMilliseconds(-1));
        var late = Machine.Apply(call, new DeadlinePassed(), call.Deadline!.Value);

        Assert.IsType<TransitionResult.NoChange>(early);
        var to = Assert.IsType<TransitionResult.Applied>(late).Current;
        Assert.Equal((CallState.Failed, CallOutcome.Failed), (to.State, to.Outcome));
        Assert.Equal(new CallEndReason.Timeout(state), to.EndReason);
        Assert.Equal(CallErrorCodes.Capacity, to.LastError?.Code);
        Assert.Null(to.MediaReportDue); // no node carries it: call.ended does not wait for a report
    }

    [Fact]
    public void Media_lost_on_a_connected_call_waits_for_Meta_whose_COMPLETED_terminate_makes_it_a_user_hang_up()
    {
        var lost = Drive(InboundConnected(), new MediaFailed(new CallError(CallErrorCodes.MediaTimeout, "no media for 10 s")));
        Assert.True(lost.AwaitsMetaEnd);
        Assert.Equal(lost.UpdatedAt + CallTimeouts.Default.MediaLoss, lost.Deadline);
        Assert.IsType<TransitionResult.NoChange>(Machine.Apply(lost, new MediaFailed(new CallError(CallErrorCodes.IceFailed, "consent")), lost.UpdatedAt.AddSeconds(1)));

        var ended = Drive(lost, new Terminated(TerminateStatus.Completed, 30, null));

        Assert.Equal((CallState.Ended, CallOutcome.Completed, (CallEndReason)new CallEndReason.UserHangup()), (ended.State, ended.Outcome, ended.EndReason!));
        Assert.Null(ended.LastError);
    }

    [Fact]
    public void Media_lost_with_no_word_from_Meta_fails_with_the_nodes_error_at_the_window()
    {
        var lost = Drive(OutboundConnected(), new MediaFailed(new CallError(CallErrorCodes.IceFailed, "consent lost")));

        Assert.IsType<TransitionResult.NoChange>(Machine.Apply(lost, new DeadlinePassed(), lost.Deadline!.Value.AddMilliseconds(-1)));
        var failed = Assert.IsType<TransitionResult.Applied>(Machine.Apply(lost, new DeadlinePassed(), lost.Deadline!.Value)).Current;

        Assert.Equal((CallState.Failed, CallOutcome.Failed), (failed.State, failed.Outcome));
        Assert.Equal(new CallEndReason.MediaFailed(CallErrorCodes.IceFailed), failed.EndReason);
        Assert.Equal(new CallError(CallErrorCodes.IceFailed, "consent lost"), failed.LastError);
    }

    [Fact]
    public void A_node_claim_replaces_the_placement_window_by_the_state_deadline()
    {
        var outbound = Drive(NewOutbound(), new OfferReady(Node));
        var inbound = Drive(NewInbound(), new AnswerReady(Node));

        Assert.Equal(T0 + CallTimeouts.Default.Preparing, outbound.Deadline);
        Assert.Equal(inbound.UpdatedAt + CallTimeouts.Default.Accepting, inbound.Deadline);
    }

    [Fact]
    public void Late_REJECTED_refines_no_answer_to_rejected_without_changing_state()
    {
        var ended = Drive(Ringing(), new Terminated(TerminateStatus.Failed, null, null));

        var refined = Assert.IsType<TransitionResult.Applied>(Machine.Apply(ended, new StatusRejected(), ended.UpdatedAt.AddSeconds(1)));

        Assert.False(refined.BecameFinal);
        Assert.Equal(CallState.Ended, refined.Current.State);
        Assert.Equal(ended.EndedAt, refined.Current.EndedAt);
        Assert.Equal(CallOutcome.Rejected, refined.Current.Outcome);
        Assert.Equal(new CallEndReason.Rejected(), refined.Current.EndReason);
    }

    [Fact]
    public void MediaStats_are_recorded_even_after_the_call_ended_and_once()
    {
        var stats = new Serverless.Shared.Media.MediaStats { PacketsSent = 100, PacketsReceived = 98, BytesSent = 16_000, BytesReceived = 15_680, PacketsLost = 2, RoundTripMs = 40.5, JitterMs = 3.2 };
        var ended = Drive(OutboundConnected(), new HangupRequested());

        var to = Assert.IsType<TransitionResult.Applied>(Machine.Apply(ended, new MediaStatsReported(stats), ended.UpdatedAt)).Current;
        var again = Machine.Apply(to, new MediaStatsReported(stats with { }), to.UpdatedAt);

        Assert.Equal(stats, to.MediaStats);
        Assert.Equal(CallState.Ended, to.State);
        Assert.IsType<TransitionResult.NoChange>(again);
    }

    internal static CallRecord InState(CallState state) => state switch
    {
        CallState.Preparing => NewOutbound(),
        CallState.Ringing => Ringing(),
        CallState.Connected => OutboundConnected(),
        CallState.Offered => NewInbound(),
        CallState.Accepting => Accepting(),
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };
}
