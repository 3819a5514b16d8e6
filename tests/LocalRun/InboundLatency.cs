using System.Globalization;
using System.Text.Json;

namespace Serverless.Testing.LocalRun;

/// <summary>
/// <c>--measure-inbound N</c>: N sequential inbound calls through the real path (simulator webhook → Functions →
/// Storage Queues on Azurite → the MediaNode → signed event → Functions → <c>pre_accept</c> at the simulator), each
/// timed from the user's call to the <c>pre_accept</c> request the simulator received; each call is hung up and ended
/// before the next, with a pause between calls given by <c>MEASURE_INBOUND_GAP_MS</c> (default 0).
/// </summary>
internal static class InboundLatency
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(30);

    public static async Task MeasureAsync(LocalProduct product, int calls, Action<string> say)
    {
        // MEASURE_INBOUND_BACK_TO_BACK=1: the next call starts as soon as the last is ended, while the node may still be
        // reporting its end (its events go per call now, so the new call's answer no longer waits behind that report).
        var backToBack = Environment.GetEnvironmentVariable("MEASURE_INBOUND_BACK_TO_BACK") == "1";
        var gap = TimeSpan.FromMilliseconds(int.TryParse(Environment.GetEnvironmentVariable("MEASURE_INBOUND_GAP_MS"), CultureInfo.InvariantCulture, out var ms) ? ms : 0);
        var samples = new List<double>(calls);
        // Where each call's time went: the simulator builds the offer and its webhook; the Functions store the call
        // and queue StartInbound before answering the webhook; then the node answers and the Functions POST pre_accept.
        var segments = new List<double[]>(calls);
        // And hop by hop (every HTTP request in this process: Azurite round trips, the node's event, pre_accept).
        using var trace = new HopTrace(new Dictionary<int, string>
        {
            [10000] = "blob", [10001] = "queue", [10002] = "table",
            [product.FunctionsBaseAddress.Port] = "functions", [product.Simulator.BaseAddress.Port] = "graph", [product.Tap.Url.Port] = "tap",
        });
        var timelines = new List<(DateTimeOffset Started, IReadOnlyList<HopTrace.Hop> Hops, string CallId)>(calls);
        for (var i = 0; i < calls; i++)
        {
            var user = "1631556" + i.ToString("D4", CultureInfo.InvariantCulture);
            var started = DateTimeOffset.UtcNow;
            var simulated = await product.Simulator.StartInboundCallAsync(user).ConfigureAwait(false);
            using (var limit = new CancellationTokenSource(Step))
            {
                await product.Simulator.Requests.WaitUntilAsync(r => r.Any(x => IsPreAccept(x, simulated.Id)), limit.Token).ConfigureAwait(false);
            }

            var preAccept = product.Simulator.Requests.Snapshot().First(x => IsPreAccept(x, simulated.Id));
            samples.Add((preAccept.ReceivedAt - started).TotalMilliseconds);
            var call = await product.Calls.FindByWacidAsync(simulated.Id, Step).ConfigureAwait(false);
            var callId = call.GetProperty("id").GetString()!;
            // pre_accept may reach the simulator before it has recorded the webhook's own answer.
            bool Answered(Serverless.Testing.WhatsAppSimulator.Webhooks.WebhookDelivery d) => d.BodyText.Contains(simulated.Id, StringComparison.Ordinal) && d.Attempts.Count > 0;
            using (var limit = new CancellationTokenSource(Step))
            {
                await product.Simulator.Webhooks.WaitUntilAsync(ds => ds.Any(Answered), limit.Token).ConfigureAwait(false);
            }

            var delivery = product.Simulator.Webhooks.Deliveries.First(Answered);
            var answered = delivery.Attempts[0].At;
            segments.Add([
                (delivery.CreatedAt - started).TotalMilliseconds,
                (answered - delivery.CreatedAt).TotalMilliseconds,
                (preAccept.ReceivedAt - answered).TotalMilliseconds]);
            timelines.Add((started, trace.Between(started, preAccept.ReceivedAt), callId));
            await product.Calls.HangUpAsync(call.GetProperty("id").GetString()!).ConfigureAwait(false);
            await product.Calls.WaitAsync(call.GetProperty("id").GetString()!, c => c.GetProperty("state").GetString() is "ended" or "failed", Step).ConfigureAwait(false);
            // And the node's report of the ending handled, so each call starts on a quiet node (the back-to-back mode
            // measures the overlap: see performance.md).
            if (!backToBack)
            {
                await product.Tap.WaitForAsync(e => e.Event is Serverless.Shared.Media.MediaEnded && e.Event.CallId == callId, Step).ConfigureAwait(false);
            }
            if (gap > TimeSpan.Zero)
            {
                await Task.Delay(gap).ConfigureAwait(false);
            }
        }

        var sorted = samples.Order().ToList();
        double P(double p) => Percentile(sorted, p);
        say(string.Create(CultureInfo.InvariantCulture,
            $"INBOUND webhook -> pre_accept, n={calls}, gap {gap.TotalMilliseconds:F0} ms{(backToBack ? ", back to back" : ", each after the last call's MediaEnded was handled")}: first {samples[0]:F0} ms, p50 {P(50):F0} ms, p90 {P(90):F0} ms, max {sorted[^1]:F0} ms"));
        string Split(Func<int, double> of) => string.Create(CultureInfo.InvariantCulture,
            $"offer and webhook built {of(0):F0} ms, webhook answered (call stored, StartInbound queued) {of(1):F0} ms, then pre_accept (node polls, answers, AnswerReady; Functions POST pre_accept) {of(2):F0} ms");
        say("INBOUND first call: " + Split(i => segments[0][i]));
        say("INBOUND p50 per part: " + Split(i => Percentile([.. segments.Select(x => x[i]).Order()], 50)));
        // The node's share, per call: from the end of the StartInbound queue send (the Functions' hop) to the node's
        // answer built (AnswerReady.CreatedAt): its poll wait (or wake-up), receive round trip and answer.
        var nodeShare = new List<double>(calls);
        foreach (var t in timelines)
        {
            var sent = t.Hops.FirstOrDefault(h => h.What.Contains("out queue", StringComparison.Ordinal) && h.What.Contains("/messages 201", StringComparison.Ordinal));
            var answer = product.Tap.Events.Select(e => e.Event).OfType<Serverless.Shared.Media.AnswerReady>().FirstOrDefault(e => e.CallId == t.CallId)?.CreatedAt;
            if (sent is not null && answer is { } at)
            {
                nodeShare.Add((at - (sent.Start + sent.Duration)).TotalMilliseconds);
            }
        }

        if (nodeShare.Count > 1)
        {
            var shares = nodeShare.Skip(1).Order().ToList(); // without the first call (first use)
            say(string.Create(CultureInfo.InvariantCulture,
                $"INBOUND StartInbound queued -> node's answer built (n={shares.Count}, first call left out): p50 {Percentile(shares, 50):F1} ms, p90 {Percentile(shares, 90):F1} ms, max {shares[^1]:F1} ms"));
        }
        var median = samples.IndexOf(P(50));
        foreach (var (label, index) in new[] { ("first call", 0), ("median call", median) })
        {
            var t = timelines[index];
            // AnswerReady.CreatedAt is the node's clock (same machine): when its answer was built. The tap records
            // the event once the Functions answered it (after pre_accept and accept), so it is read only now.
            var built = product.Tap.Events.Select(e => e.Event).OfType<Serverless.Shared.Media.AnswerReady>().FirstOrDefault(e => e.CallId == t.CallId)?.CreatedAt;
            say($"INBOUND hops, {label} (#{index + 1}, {samples[index]:F0} ms; {t.Hops.Count} of {trace.Count} hops; node's answer built at +{(built - t.Started)?.TotalMilliseconds:F1} ms):");
            foreach (var line in HopTrace.Format(t.Hops, t.Started))
            {
                say(line);
            }
        }
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static bool IsPreAccept(Serverless.Testing.WhatsAppSimulator.Recording.RecordedRequest request, string wacid)
    {
        if (request.Method != "POST" || !request.Path.EndsWith("/calls", StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            using var doc = JsonDocument.Parse(request.Body);
            var root = doc.RootElement;
            return root.TryGetProperty("action", out var a) && a.GetString() == "pre_accept"
                && root.TryGetProperty("call_id", out var id) && id.GetString() == wacid;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
