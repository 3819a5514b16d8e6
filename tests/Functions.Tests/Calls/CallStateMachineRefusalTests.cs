using Serverless.Functions.Calls;
using static Serverless.Functions.Calls.CallTrigger;
using static Serverless.Functions.Tests.Calls.CallScenarios;

namespace Serverless.Functions.Tests.Calls;

/// <summary>Illegal transitions are refused; duplicates, late and audit-only triggers are no-ops.</summary>
public sealed class CallStateMachineRefusalTests
{
    private static readonly Dictionary<string, (Func<CallRecord> From, CallTrigger Trigger)> IllegalCases = new()
    {
        ["Outbound Preparing AnswerReceived (no wacid yet)"] = (NewOutbound, new AnswerReceived()),
        ["Outbound Preparing RINGING"] = (NewOutbound, new StatusRinging()),
        ["Outbound Preparing REJECTED"] = (NewOutbound, new StatusRejected()),
        ["Outbound Preparing MediaConnected"] = (NewOutbound, new MediaConnected()),
        ["Outbound Preparing terminate"] = (NewOutbound, new Terminated(TerminateStatus.Completed, 1, null)),
        ["Outbound Preparing PlaybackFinished"] = (NewOutbound, new PlaybackFinished()),
        ["Outbound Ringing ConnectSent with another wacid"] = (Ringing, new ConnectSent("wacid.OTHER")),
        ["Outbound Ringing OfferReady from another node"] = (Ringing, new OfferReady("node-2")),
        ["Outbound Ringing PlaybackFinished"] = (Ringing, new PlaybackFinished()),
        ["Outbound Connected REJECTED"] = (OutboundConnected, new StatusRejected()),
        ["Outbound InboundOffer (wrong direction)"] = (Ringing, new InboundOffer(Wacid)),
        ["Outbound AnswerReady (wrong direction)"] = (NewOutbound, new AnswerReady(Node)),
        ["Outbound Accepted (wrong direction)"] = (OutboundConnected, new Accepted()),
        ["Inbound ConnectSent (wrong direction)"] = (NewInbound, new ConnectSent(Wacid)),
        ["Inbound OfferReady (wrong direction)"] = (NewInbound, new OfferReady(Node)),
        ["Inbound RINGING (wrong direction)"] = (Accepting, new StatusRinging()),
        ["Inbound AnswerReceived (wrong direction)"] = (Accepting, new AnswerReceived()),
        ["Inbound Offered Accepted before answer"] = (NewInbound, new Accepted()),
        ["Inbound Offered MediaConnected before answer"] = (NewInbound, new MediaConnected()),
        ["Inbound Offered InboundOffer with another wacid"] = (NewInbound, new InboundOffer("wacid.OTHER")),
        ["Inbound Accepting AnswerReady from another node"] = (Accepting, new AnswerReady("node-2")),
    };

    private static readonly Dictionary<string, (Func<CallRecord> From, CallTrigger Trigger)> NoChangeCases = new()
    {
        ["Outbound Preparing OfferReady twice"] = (() => Drive(NewOutbound(), new OfferReady(Node)), new OfferReady(Node)),
        ["Outbound Ringing ConnectSent twice"] = (Ringing, new ConnectSent(Wacid)),
        ["Outbound Ringing RINGING is audit"] = (Ringing, new StatusRinging()),
        ["Outbound Ringing ACCEPTED is audit"] = (Ringing, new StatusAccepted()),
        ["Outbound Ringing AnswerReceived twice"] = (() => Drive(Ringing(), new AnswerReceived()), new AnswerReceived()),
        ["Outbound Connected ACCEPTED after media up"] = (OutboundConnected, new StatusAccepted()),
        ["Outbound Connected AnswerReceived late"] = (OutboundConnected, new AnswerReceived()),
        ["Outbound Connected MediaConnected twice"] = (OutboundConnected, new MediaConnected()),
        ["Inbound Offered connect webhook re-delivered"] = (NewInbound, new InboundOffer(Wacid)),
        ["Inbound Accepting AnswerReady twice"] = (Accepting, new AnswerReady(Node)),
        ["Inbound Accepting Accepted twice"] = (() => Drive(Accepting(), new Accepted()), new Accepted()),
        ["Inbound Connected MediaConnected twice"] = (InboundConnected, new MediaConnected()),
        ["Outbound Ended terminate after hangup"] = (() => Drive(OutboundConnected(), new HangupRequested()), new Terminated(TerminateStatus.Completed, 9, null)),
        ["Outbound Ended connect after terminate"] = (() => Drive(Ringing(), new Terminated(TerminateStatus.Completed, 9, null)), new AnswerReceived()),
        ["Outbound Ended MediaConnected after terminate"] = (() => Drive(Ringing(), new Terminated(TerminateStatus.Completed, 9, null)), new MediaConnected()),
        ["Outbound Ended RINGING after final"] = (() => Drive(Ringing(), new StatusRejected()), new StatusRinging()),
        ["Outbound Ended REJECTED twice"] = (() => Drive(Ringing(), new StatusRejected()), new StatusRejected()),
        ["Outbound Failed Hangup (DELETE is idempotent)"] = (() => Drive(NewOutbound(), new GraphError(138006, "x")), new HangupRequested()),
        ["Outbound Failed DeadlinePassed"] = (() => Drive(NewOutbound(), new MediaFailed(new CallError("internal", "x"))), new DeadlinePassed()),
        ["Outbound Ended REJECTED does not rewrite a completed call"] = (() => Drive(OutboundConnected(), new HangupRequested()), new StatusRejected()),
        ["Inbound Ended Accepted after terminate"] = (() => Drive(Accepting(), new Terminated(TerminateStatus.Failed, null, null)), new Accepted()),
        ["Inbound Ended MediaFailed after final"] = (() => Drive(InboundConnected(), new HangupRequested()), new MediaFailed(new CallError("internal", "x"))),
    };

    public static TheoryData<string> IllegalNames => [.. IllegalCases.Keys];

    public static TheoryData<string> NoChangeNames => [.. NoChangeCases.Keys];

    [Theory]
    [MemberData(nameof(IllegalNames))]
    public void Illegal_transition_is_refused(string name)
    {
        var (from, trigger) = IllegalCases[name];

        var result = Machine.Apply(from(), trigger, T0.AddMinutes(1));

        var refused = Assert.IsType<TransitionResult.Refused>(result);
        Assert.False(string.IsNullOrWhiteSpace(refused.Reason));
    }

    [Theory]
    [MemberData(nameof(NoChangeNames))]
    public void Duplicate_or_late_trigger_changes_nothing(string name)
    {
        var (from, trigger) = NoChangeCases[name];

        var result = Machine.Apply(from(), trigger, T0.AddMinutes(1));

        Assert.IsType<TransitionResult.NoChange>(result);
    }

    [Fact]
    public void Wrong_direction_is_refused_even_after_the_call_ended()
    {
        var ended = Drive(OutboundConnected(), new HangupRequested());

        Assert.IsType<TransitionResult.Refused>(Machine.Apply(ended, new AnswerReady(Node), T0.AddMinutes(1)));
    }
}
