using Serverless.Functions.Calls;
using Serverless.Functions.Flows;

namespace Serverless.Functions.Tests.Flows;

/// <summary>The one rule before every Graph action of a call (issue 14).</summary>
public sealed class GraphActionRuleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    private static readonly CallRecord Live = CallRecord.NewInbound("call-1", "1000001", "14155550123", "wacid.R1", T0, CallTimeouts.Default)
        with { State = CallState.Accepting };

    private static readonly CallRecord EndedByUser = Live with
    {
        State = CallState.Ended, Outcome = CallOutcome.NoAnswer, EndReason = new CallEndReason.NoAnswer(), EndedAt = T0.AddSeconds(3),
    };

    [Theory]
    [InlineData(CallGraphAction.Connect)]
    [InlineData(CallGraphAction.PreAccept)]
    [InlineData(CallGraphAction.Accept)]
    [InlineData(CallGraphAction.Reject)]
    [InlineData(CallGraphAction.Terminate)]
    public void A_live_call_allows_every_action(CallGraphAction action) => Assert.Null(GraphActionRule.SkipReason(action, Live));

    [Theory]
    [InlineData(CallGraphAction.Connect)]
    [InlineData(CallGraphAction.PreAccept)]
    [InlineData(CallGraphAction.Accept)]
    public void An_ended_call_is_never_moved_forward(CallGraphAction action)
    {
        Assert.Contains("already ended", GraphActionRule.SkipReason(action, EndedByUser), StringComparison.Ordinal);
        // Not even when the caller thinks it carries that ending.
        Assert.NotNull(GraphActionRule.SkipReason(action, EndedByUser, EndedByUser));
    }

    [Theory]
    [InlineData(CallGraphAction.Reject)]
    [InlineData(CallGraphAction.Terminate)]
    public void Ending_actions_go_out_only_for_the_ending_they_carry(CallGraphAction action)
    {
        Assert.Null(GraphActionRule.SkipReason(action, EndedByUser, EndedByUser));
        Assert.NotNull(GraphActionRule.SkipReason(action, EndedByUser));
        var earlierEnding = EndedByUser with { EndedAt = T0.AddSeconds(1), EndReason = new CallEndReason.BusinessHangup() };
        Assert.NotNull(GraphActionRule.SkipReason(action, EndedByUser, earlierEnding));
    }

    [Fact]
    public void An_unknown_call_gets_no_action() =>
        Assert.Equal("the call is not stored", GraphActionRule.SkipReason(CallGraphAction.Terminate, null));
}
