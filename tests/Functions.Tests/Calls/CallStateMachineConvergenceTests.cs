using CsCheck;
using Serverless.Functions.Calls;
using static Serverless.Functions.Calls.CallTrigger;
using static Serverless.Functions.Tests.Calls.CallScenarios;

namespace Serverless.Functions.Tests.Calls;

/// <summary>
/// Meta retries webhook deliveries and does not order them; MediaNode events race with webhooks. Any causally
/// possible order, with any duplicates, must end where the in-order sequence ends, and each side effect
/// (Applied) must happen at most once.
/// </summary>
public sealed class CallStateMachineConvergenceTests
{
    // A scenario: triggers our own code applies first and in order (prefix), then chains. Order inside a
    // chain is causal (we act on one before the next exists); chains interleave freely. Single-element chains
    // are webhooks that can arrive at any time.
    private sealed record Scenario(Func<CallRecord> Start, CallTrigger[] Prefix, CallTrigger[][] Chains, bool CompareDuration);

    private static readonly Scenario OutboundUserHangup = new(
        NewOutbound,
        [new OfferReady(Node), new ConnectSent(Wacid)],
        [
            [new StatusRinging()],
            [new AnswerReceived(), new MediaConnected()],
            [new StatusAccepted()],
            [new Terminated(TerminateStatus.Completed, 120, null)],
        ],
        CompareDuration: true);

    private static readonly Scenario OutboundRejected = new(
        NewOutbound,
        [new OfferReady(Node), new ConnectSent(Wacid)],
        [[new StatusRinging()], [new StatusRejected()], [new Terminated(TerminateStatus.Failed, null, null)]],
        CompareDuration: true);

    private static readonly Scenario OutboundBusinessHangup = new(
        NewOutbound,
        [new OfferReady(Node), new ConnectSent(Wacid)],
        [
            [new StatusRinging()],
            [new StatusAccepted()],
            [new AnswerReceived(), new MediaConnected(), new HangupRequested(), new Terminated(TerminateStatus.Completed, 30, null)],
        ],
        CompareDuration: false);

    private static readonly Scenario InboundUserHangup = new(
        NewInbound,
        [],
        [
            [new InboundOffer(Wacid)],
            [new AnswerReady(Node), new Accepted()],
            [new MediaConnected()],
            [new Terminated(TerminateStatus.Completed, 60, null)],
        ],
        CompareDuration: true);

    private static readonly Scenario InboundMissed = new(
        NewInbound,
        [],
        [[new InboundOffer(Wacid)], [new AnswerReady(Node)], [new Terminated(TerminateStatus.Failed, null, null)]],
        CompareDuration: true);

    private static readonly Dictionary<string, Scenario> Scenarios = new()
    {
        [nameof(OutboundUserHangup)] = OutboundUserHangup,
        [nameof(OutboundRejected)] = OutboundRejected,
        [nameof(OutboundBusinessHangup)] = OutboundBusinessHangup,
        [nameof(InboundUserHangup)] = InboundUserHangup,
        [nameof(InboundMissed)] = InboundMissed,
    };

    public static TheoryData<string> ScenarioNames => [.. Scenarios.Keys];

    [Theory]
    [MemberData(nameof(ScenarioNames))]
    public void Shuffled_and_duplicated_deliveries_end_like_in_order(string name)
    {
        var scenario = Scenarios[name];
        var inOrder = Run(scenario, [.. scenario.Prefix, .. scenario.Chains.SelectMany(c => c)]);
        Assert.True(inOrder.Final.IsFinal, $"in-order run of {name} must end the call");

        Gen.Int[0, 1_000_000].Array[64].Sample(tape =>
        {
            var delivered = Deliver(scenario, tape);
            var run = Run(scenario, delivered);

            Assert.Equal(inOrder.Final.State, run.Final.State);
            Assert.Equal(inOrder.Final.Outcome, run.Final.Outcome);
            Assert.Equal(inOrder.Final.EndReason, run.Final.EndReason);
            if (scenario.CompareDuration)
            {
                Assert.Equal(inOrder.Final.Duration, run.Final.Duration);
            }

            // Side effects hang off Applied: the call ends once, and no trigger type acts twice.
            Assert.Equal(1, run.BecameFinal);
            Assert.All(run.AppliedByTrigger, kv => Assert.True(kv.Value == 1, $"{kv.Key} applied {kv.Value} times"));
        });
    }

    /// <summary>Interleaves the chains as the tape says, then re-delivers some triggers after their original.</summary>
    private static List<CallTrigger> Deliver(Scenario scenario, int[] tape)
    {
        var at = 0;
        int Next(int bound) => tape[at++ % tape.Length] % bound;

        var heads = new int[scenario.Chains.Length];
        var order = new List<CallTrigger>();
        while (order.Count < scenario.Chains.Sum(c => c.Length))
        {
            var live = Enumerable.Range(0, heads.Length).Where(i => heads[i] < scenario.Chains[i].Length).ToList();
            var chain = live[Next(live.Count)];
            order.Add(scenario.Chains[chain][heads[chain]++]);
        }

        // Slot k*10 holds the k-th delivery; each of up to two retries lands strictly after it.
        var slots = new List<(int Slot, int Tie, CallTrigger Trigger)>();
        for (var k = 0; k < order.Count; k++)
        {
            slots.Add((k * 10, 0, order[k]));
            var retries = Next(3);
            for (var r = 1; r <= retries; r++)
            {
                slots.Add(((k * 10) + 1 + Next(((order.Count - k) * 10) + 5), r, order[k]));
            }
        }

        return [.. scenario.Prefix, .. slots.OrderBy(s => s.Slot).ThenBy(s => s.Tie).Select(s => s.Trigger)];
    }

    private sealed record RunResult(CallRecord Final, int BecameFinal, Dictionary<string, int> AppliedByTrigger);

    private static RunResult Run(Scenario scenario, IEnumerable<CallTrigger> triggers)
    {
        var call = scenario.Start();
        var becameFinal = 0;
        var applied = new Dictionary<string, int>();
        var now = call.CreatedAt;
        foreach (var trigger in triggers)
        {
            now = now.AddSeconds(1);
            if (Machine.Apply(call, trigger, now) is TransitionResult.Applied a)
            {
                becameFinal += a.BecameFinal ? 1 : 0;
                applied[trigger.Name] = applied.GetValueOrDefault(trigger.Name) + 1;
                call = a.Current;
            }
        }

        return new RunResult(call, becameFinal, applied);
    }
}
