using System.Diagnostics;
using System.Globalization;
using Serverless.Functions.Tests.App;

namespace Serverless.Benchmarks;

/// <summary>
/// Inbound webhook received -> <c>accept</c> sent to Meta, through the Functions' own classes on the test host
/// over real HTTP, Azurite tables, the in-memory transport and a scripted MediaNode answering over the signed
/// events endpoint, with a fake Graph recording requests. Run with Azurite up, in a loopback-only namespace.
/// </summary>
internal static class InboundLatencyLoad
{
    public static async Task RunAsync(int calls)
    {
        await using var app = await CallingApp.StartAsync();
        for (var i = 0; i < 20; i++)
        {
            await OneCallAsync(app, "wacid.WARMUP" + i.ToString(CultureInfo.InvariantCulture)); // JIT, tables
        }

        var samples = new List<double>(calls);
        for (var i = 0; i < calls; i++)
        {
            samples.Add(await OneCallAsync(app, "wacid.LOAD" + i.ToString(CultureInfo.InvariantCulture)));
        }

        samples.Sort();
        double P(double p) => samples[Math.Clamp((int)Math.Ceiling(p / 100 * samples.Count) - 1, 0, samples.Count - 1)];
        Console.WriteLine(FormattableString.Invariant(
            $"inbound webhook -> accept at the fake Graph, n={calls}: p50 {P(50):F1} ms, p90 {P(90):F1} ms, p99 {P(99):F1} ms, max {samples[^1]:F1} ms"));
    }

    private static async Task<double> OneCallAsync(CallingApp app, string wacid)
    {
        var started = Stopwatch.GetTimestamp();
        await app.DeliverAsync(MetaWebhooks.InboundConnect(wacid));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            if (app.Graph.Requests.LastOrDefault(r => r.Action == "accept" && r.CallId == wacid) is { } accept)
            {
                return Stopwatch.GetElapsedTime(started, accept.ReceivedAt).TotalMilliseconds;
            }

            await app.Graph.NextRequestAsync(timeout.Token);
        }
    }
}
