using System.Text.Json;
using Serverless.Shared.Media;
using Serverless.Testing.LocalRun;
using Serverless.Testing.WhatsAppSimulator.Recording;

// Every test runs the whole product with real media; one at a time keeps a shared 2-core machine from starving them.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Serverless.Testing.EndToEnd.Infrastructure;

/// <summary>Shared constants and small helpers for the end-to-end tests (Azurite must listen on 127.0.0.1).</summary>
internal static class E2E
{
    /// <summary>Generous: the machine is shared, and every step here waits on an event, never sleeps.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(45);

    public const string User = "16315553602";
    public const string OtherUser = "16315550199";
    public const double PromptHz = 440;
    public const double UserHz = 660;

    public static string Id(this JsonElement call) => call.GetProperty("id").GetString()!;

    public static string State(this JsonElement call) => call.GetProperty("state").GetString()!;

    public static string? Outcome(this JsonElement call) =>
        call.TryGetProperty("outcome", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString() : null;

    public static string? Wacid(this JsonElement call) =>
        call.TryGetProperty("wacid", out var w) && w.ValueKind == JsonValueKind.String ? w.GetString() : null;

    /// <summary>True when the call has a non-null <paramref name="property"/>.</summary>
    public static bool Has(this JsonElement call, string property) =>
        call.TryGetProperty(property, out var value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined);

    public static bool IsFinal(this JsonElement call) => call.State() is "ended" or "failed";

    public static bool HasMediaStats(this JsonElement call) =>
        call.TryGetProperty("media", out var m) && m.ValueKind == JsonValueKind.Object;

    /// <summary>Dials and asserts the dial API accepted the call (202).</summary>
    public static async Task<string> DialAcceptedAsync(this LocalProduct product, string user, object? audio = null)
    {
        var (status, body) = await product.Calls.DialAsync(audio is null ? new { to = "+" + user } : new { to = "+" + user, audio });
        Assert.True(status == 202, $"dial answered {status}: {body}");
        return body.Id();
    }

    /// <summary>Downloads a link the API handed out (a recording's read-only SAS), as the business would: no key.</summary>
    public static async Task<byte[]> DownloadAsync(string url)
    {
        using var http = new HttpClient();
        return await http.GetByteArrayAsync(new Uri(url));
    }

    /// <summary>Waits for the wacid the Functions stored from Graph's connect response.</summary>
    public static async Task<string> WacidAsync(this LocalProduct product, string callId) =>
        (await product.Calls.WaitAsync(callId, c => c.Wacid() is not null, Wait)).Wacid()!;

    /// <summary>The node's MediaEnded for the call, as delivered to the Functions.</summary>
    public static async Task<MediaEnded> MediaEndedAsync(this LocalProduct product, string callId) =>
        (MediaEnded)(await product.Tap.WaitForAsync(e => e.Event is MediaEnded m && m.CallId == callId && e.FunctionsStatus == 200, Wait)).Event;

    /// <summary>The <c>action</c> of every POST to Graph's <c>/calls</c> edge the simulator received, in order (with its HTTP outcome unknown).</summary>
    public static IReadOnlyList<string> GraphCallActions(this LocalProduct product) => CallActions(product.Simulator.Requests.Snapshot());

    /// <summary>
    /// Waits until Graph received <paramref name="action"/>. The Functions commit a call's end before they tell Meta
    /// (state first, then the side effect), so a final state does not yet mean Meta heard it.
    /// </summary>
    public static async Task WaitForGraphCallActionAsync(this LocalProduct product, string action)
    {
        using var timeout = new CancellationTokenSource(Wait);
        try
        {
            await product.Simulator.Requests.WaitUntilAsync(log => CallActions(log).Contains(action), timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            Assert.Fail($"Graph never received '{action}' within {Wait}; it received [{string.Join(", ", product.GraphCallActions())}]");
        }
    }

    private static List<string> CallActions(IEnumerable<RecordedRequest> requests) =>
        [.. requests
            .Where(r => r.Method == "POST" && r.Path.EndsWith("/calls", StringComparison.Ordinal))
            .Select(r =>
            {
                using var doc = JsonDocument.Parse(r.Body);
                return doc.RootElement.TryGetProperty("action", out var a) ? a.GetString() ?? "" : "";
            })];

    /// <summary>Plan: the prompt tone, then record the user (WAV, so the test can read PCM).</summary>
    public static object PromptThenRecord(int promptMs = 1500) => new
    {
        steps = new object[]
        {
            new { tone = new { hz = PromptHz, ms = promptMs } },
            new { record = new { maxSeconds = 120, format = "wav" } },
        },
    };
}
