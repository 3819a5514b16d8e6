using Xunit.Abstractions;

namespace Serverless.Infra.Tests.Placement;

/// <summary>
/// Issue 17: 10 simulated nodes, 5,000 calls, churn (a SIGTERM drain or a SIGKILL every minute, each node back after
/// a while) through the product's placement code (<see cref="PlacementSimulation"/>). Shows: no start on a dead,
/// draining or full node; no node over capacity; every call placed (none waits out the placement window while
/// another node has room); dead nodes judged dead by the registry in time and live ones never. The spread between
/// nodes is measured and reported, and <see cref="Imbalance_IsWithinTenPercent"/> holds the bound at 68 % and
/// 93 % load.
/// </summary>
public sealed class PlacementSimulationTests(ITestOutputHelper output)
{
    private const int Nodes = 10;
    private const int MaxCalls = 100;
    private const int Calls = 5_000;

    // 6.2 new calls/s of 30-270 s (mean 150 s): about 930 live calls wanted on 1,000 slots (93 %), more than the
    // slots left while churn has one or two nodes down, so nodes fill and the registry refuses some dials with 503.
    private const double ArrivalsPerSecond = 6.2;

    // 7.5 new calls/s: about 1,125 live calls wanted on 1,000 slots (112 %). With placement by free capacity the
    // fleet fills evenly, so at 93 % no node reaches MaxCalls; this overload makes every node fill and the registry
    // refuse, which the capacity checks need.
    private const double OverloadPerSecond = 6.8;

    private static readonly TimeSpan ChurnEvery = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan SteadyAfter = TimeSpan.FromSeconds(300);

    [Fact]
    public async Task FiveThousandCalls_WithChurnAndFailures_NeverLandOnADeadDrainingOrFullNode()
    {
        using var sim = new PlacementSimulation(seed: 17, Nodes, MaxCalls);
        var stats = await RunAsync(sim, arrivalsPerSecond: OverloadPerSecond);

        Assert.Equal(0, stats.StartsOnUnfitNode);
        Assert.Equal(0, stats.OverCapacity);
        Assert.True(stats.MaxActiveSeen <= MaxCalls, $"a node carried {stats.MaxActiveSeen} calls");
        // The run really filled nodes to the brim (the capacity rule was exercised, not idle).
        Assert.Equal(MaxCalls, stats.MaxActiveSeen);
        Assert.True(stats.RefusedFull > 0, "the registry never refused a dial");

        // Every call was placed on a node with room; none waited out the placement window; none was placed twice.
        Assert.Equal(Calls, stats.Placed);
        Assert.Equal(0, stats.PlacementWindowFailures);
        Assert.Equal(0, stats.LateOrDuplicateStarts);
        Assert.Equal(stats.Placed, stats.PlacedPerNode.Values.Sum());
        Assert.Equal(Nodes, stats.PlacedPerNode.Count);

        // Churn really happened: calls were lost with killed nodes and cut at drain deadlines.
        Assert.True(stats.LostWithKilledNode > 0, "no node was killed with calls");
        Assert.True(stats.EndedByDrainDeadline > 0, "no drain reached its deadline with calls");
    }

    [Fact]
    public async Task TheCheck_CatchesANodeWhoseRoomIgnoresDraining()
    {
        // Control: with a room rule that forgets draining, the receivers hand starts to draining nodes and the
        // simulation counts them, so the 0 above is a measurement, not a tautology.
        using var sim = new PlacementSimulation(seed: 17, Nodes, MaxCalls);
        foreach (var node in sim.Nodes)
        {
            node.IgnoresDrainInRoom = true;
        }

        var stats = await RunAsync(sim, calls: 1_500);
        Assert.True(stats.StartsOnUnfitNode > 0, "no start reached a draining node");
    }

    [Fact]
    public async Task TheRegistry_JudgesKilledNodesDeadInTime_AndRunningNodesNever()
    {
        using var sim = new PlacementSimulation(seed: 17, Nodes, MaxCalls);
        var judgedLate = 0;
        var judgedWhileRunning = 0;
        var kills = new HashSet<(string, DateTimeOffset)>();
        await RunAsync(sim, afterStep: () =>
        {
            foreach (var node in sim.Nodes)
            {
                if (node.Running && sim.JudgedDead(node))
                {
                    judgedWhileRunning++;
                }

                // DeadAfter (8 s) after its last beat, which is at most one interval before the kill.
                if (node.KilledAt is { } killed && sim.Now - killed > TimeSpan.FromSeconds(8) + sim.Step && !sim.JudgedDead(node))
                {
                    judgedLate++;
                }

                if (node.KilledAt is { } at)
                {
                    kills.Add((node.Id, at));
                }
            }
        });

        Assert.True(kills.Count >= 5, $"only {kills.Count} kills");
        Assert.Equal(0, judgedWhileRunning);
        Assert.Equal(0, judgedLate);
    }

    /// <summary>
    /// The bound, as percent imbalance (busiest node / mean of the serving nodes - 1) at every steady-state
    /// sample. Placement by free capacity (<see cref="NewCallShare"/>: a node takes a new call only while it is at most
    /// at the fleet's mean load by the heartbeat rows, so it ends at most one call past it) keeps the worst sample at
    /// 6.3 % at 68 % load and 6.2 % at 93 % (p95 4.1 % / 3.8 %; competing consumers alone: 31.8 % / 11.1 %). See
    /// docs/placement-simulation.md.
    /// </summary>
    [Fact]
    public async Task Imbalance_IsWithinTenPercent()
    {
        foreach (var load in new[] { ArrivalsPerSecond, 4.5 })
        {
            using var sim = new PlacementSimulation(seed: 17, Nodes, MaxCalls);
            var stats = await RunAsync(sim, arrivalsPerSecond: load);
            Assert.All(stats.PeakOverMean, s => Assert.True(s <= 0.10, $"imbalance {s:P1} at {load} calls/s"));
        }
    }

    [Theory]
    [InlineData(ArrivalsPerSecond)]
    [InlineData(4.5)]
    public async Task Imbalance_IsMeasured_AndReported(double arrivalsPerSecond)
    {
        using var sim = new PlacementSimulation(seed: 17, Nodes, MaxCalls);
        var stats = await RunAsync(sim, arrivalsPerSecond: arrivalsPerSecond);
        Assert.Equal(Calls, stats.Placed);
        Assert.Equal(0, stats.StartsOnUnfitNode);
        Assert.True(stats.PeakOverMean.Count > 100, "too few steady-state samples");
        var spread = stats.SpreadOfCapacity.Order().ToList();
        var peak = stats.PeakOverMean.Order().ToList();
        output.WriteLine($"{arrivalsPerSecond} calls/s: placed {stats.Placed}, refused 503 {stats.RefusedFull}, lost with killed nodes {stats.LostWithKilledNode}, cut at drain deadline {stats.EndedByDrainDeadline}, busiest node {stats.MaxActiveSeen}/{MaxCalls}");
        output.WriteLine($"busiest / mean - 1: p50 {Quantile(peak, 0.5):P1}, p95 {Quantile(peak, 0.95):P1}, max {peak[^1]:P1} over {peak.Count} samples");
        output.WriteLine($"(busiest - idlest) / MaxCalls: p50 {Quantile(spread, 0.5):P1}, p95 {Quantile(spread, 0.95):P1}, max {spread[^1]:P1}");
        output.WriteLine("calls placed per node: " + string.Join(", ", stats.PlacedPerNode.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}")));
        Assert.All(peak, s => Assert.InRange(s, 0, 10));
    }

    private static double Quantile(List<double> sorted, double q) => sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(q * sorted.Count))];

    private static async Task<PlacementStats> RunAsync(PlacementSimulation sim, Action? afterStep = null, double arrivalsPerSecond = ArrivalsPerSecond, int calls = Calls)
    {
        var started = 0;
        var nextArrival = PlacementSimulation.Start;
        var nextChurn = PlacementSimulation.Start + TimeSpan.FromSeconds(120);
        var nextSample = PlacementSimulation.Start + SteadyAfter;
        var kill = false;
        var retries = new Queue<(string CallId, DateTimeOffset At)>();
        // A refused dial is retried after Retry-After (NodeWatch:FullRetryAfter, 5 s), as a client would.
        var retryAfter = TimeSpan.FromSeconds(5);

        while (started < calls || retries.Count > 0 || sim.Stats.Placed + sim.Stats.PlacementWindowFailures < calls)
        {
            while (started < calls && nextArrival <= sim.Now)
            {
                var refusedBefore = sim.Stats.RefusedFull;
                var callId = $"call-{started++:D5}";
                await sim.PlaceAsync(callId);
                if (sim.Stats.RefusedFull > refusedBefore)
                {
                    retries.Enqueue((callId, sim.Now + retryAfter));
                }

                nextArrival += TimeSpan.FromSeconds(-Math.Log(1 - sim.NextDouble()) / arrivalsPerSecond);
            }

            var due = retries.Count;
            for (var i = 0; i < due; i++)
            {
                var (callId, at) = retries.Dequeue();
                if (at > sim.Now)
                {
                    retries.Enqueue((callId, at));
                    continue;
                }

                var refusedBefore = sim.Stats.RefusedFull;
                await sim.PlaceAsync(callId);
                if (sim.Stats.RefusedFull > refusedBefore)
                {
                    retries.Enqueue((callId, sim.Now + retryAfter));
                }
            }

            if (sim.Now >= nextChurn && started < calls)
            {
                // Alternate a graceful stop and a crash on a random node that is serving; at most two nodes down at once.
                var serving = sim.Nodes.Where(n => n.Running && !n.Draining).ToList();
                if (serving.Count > Nodes - 2)
                {
                    var victim = serving[sim.Next(serving.Count)];
                    if (kill)
                    {
                        victim.Kill();
                    }
                    else
                    {
                        victim.Terminate();
                    }

                    kill = !kill;
                }

                nextChurn += ChurnEvery;
            }

            await sim.StepAsync();
            afterStep?.Invoke();

            if (sim.Now >= nextSample)
            {
                Sample(sim);
                nextSample += TimeSpan.FromSeconds(1);
            }
        }

        return sim.Stats;
    }

    private static void Sample(PlacementSimulation sim)
    {
        // Nodes serving new calls, up long enough to be past the empty start a restart brings.
        var serving = sim.Nodes.Where(n => n.Running && !n.Draining && sim.Now - n.UpSince >= SteadyAfter).Select(n => n.Active).ToList();
        if (serving.Count < 2)
        {
            return;
        }

        var mean = serving.Average();
        sim.Stats.SpreadOfCapacity.Add((serving.Max() - serving.Min()) / (double)MaxCalls);
        if (mean > 0)
        {
            sim.Stats.PeakOverMean.Add((serving.Max() / mean) - 1);
        }
    }
}
