using System.Diagnostics;
using System.Globalization;
using Serverless.Functions.Tests.App;
using Serverless.Shared.Media;
using Xunit.Abstractions;

namespace Serverless.Functions.Tests.Flows;

/// <summary>
/// Back-to-back inbound calls through the whole path (webhook → call stored → StartInbound → node's AnswerReady →
/// pre_accept → accept): each gets exactly its two Graph requests. The time this takes is measured, not asserted:
/// <c>bash scripts/benchmark-calls.sh inbound-latency</c>, results in docs/performance.md.
/// </summary>
public sealed class InboundLatencyTests(ITestOutputHelper output)
{
    private const int Calls = 20;

    [Fact]
    public async Task Back_to_back_inbound_calls_each_get_one_pre_accept_and_one_accept()
    {
        await using var app = await CallingApp.StartAsync();
        // One unmeasured call first: it pays for JIT and for creating the tables.
        await app.DeliverAsync(MetaWebhooks.InboundConnect("wacid.WARMUP"));
        await WaitForAcceptAsync(app, "wacid.WARMUP");
        var latencies = new List<double>(Calls);
        for (var i = 0; i < Calls; i++)
        {
            var wacid = "wacid.LATENCY" + i.ToString(CultureInfo.InvariantCulture);
            var started = Stopwatch.GetTimestamp();
            await app.DeliverAsync(MetaWebhooks.InboundConnect(wacid));
            var accept = await WaitForAcceptAsync(app, wacid);
            latencies.Add(Stopwatch.GetElapsedTime(started, accept.ReceivedAt).TotalMilliseconds);
        }

        latencies.Sort();
        var p50 = latencies[latencies.Count / 2];
        var p99 = latencies[(int)Math.Ceiling(latencies.Count * 0.99) - 1];
        output.WriteLine($"webhook -> accept over {Calls} calls: p50 {p50:F1} ms, p99 {p99:F1} ms");
        Assert.Equal((Calls + 1) * 2, app.Graph.Requests.Count);
    }

    private static async Task<GraphRequest> WaitForAcceptAsync(CallingApp app, string wacid)
    {
        // The node acknowledges MediaConnected after AnswerReady's POST returned, i.e. after accept was sent.
        using var cts = new CancellationTokenSource(OutboundFlowTests.Timeout);
        while (true)
        {
            if (app.Graph.Requests.FirstOrDefault(r => r.Action == "accept" && r.CallId == wacid) is { } accept)
            {
                return accept;
            }

            await app.Graph.NextRequestAsync(cts.Token);
        }
    }
}
