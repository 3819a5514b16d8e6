using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Logging;

namespace Serverless.Functions.Tests.App;

/// <summary>One POST to the fake Graph endpoint, as received.</summary>
internal sealed record GraphRequest(
    string PhoneNumberId, string Action, string? To, string? CallId, string? SdpType, string? Sdp, string? Authorization, string Body)
{
    /// <summary>Stopwatch timestamp of arrival, for latency measurements.</summary>
    public long ReceivedAt { get; init; } = System.Diagnostics.Stopwatch.GetTimestamp();
}

/// <summary>
/// Stands in for graph.facebook.com on 127.0.0.1: records every <c>/{version}/{phoneNumberId}/calls</c> POST and
/// answers with Meta's JSON (connect → <c>calls[0].id</c>, others → <c>success</c>), or with a configured Meta error.
/// </summary>
internal sealed class FakeGraph : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<GraphRequest> _requests = new();
    private readonly ConcurrentDictionary<string, (int Status, int Code, string Message)> _errors = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _lookups = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _holds = new(StringComparer.Ordinal);
    private int _wacids;
    private int _settingsReads;
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private FakeGraph(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public IReadOnlyList<GraphRequest> Requests => [.. _requests];

    public IReadOnlyList<string> Actions => [.. _requests.Select(r => r.Action)];

    /// <summary>What <c>GET call_permissions</c> answers; by default a permanent permission with calls left.</summary>
    public string PermissionsJson { get; set; } = Permissions("permanent");

    /// <summary>What <c>GET settings</c> answers; by default calling enabled without call hours (always open).</summary>
    public string SettingsJson { get; set; } = """{"calling":{"status":"ENABLED"},"id":"1000001"}""";

    /// <summary>The <c>user_wa_id</c> of every call_permissions lookup.</summary>
    public IReadOnlyList<string> PermissionLookups => [.. _lookups];

    public int SettingsReads => Volatile.Read(ref _settingsReads);

    /// <summary>Meta's call_permissions body.</summary>
    public static string Permissions(string status, DateTimeOffset? expires = null, bool canStartCall = true, int callsUsed = 0, DateTimeOffset? callsReset = null)
    {
        var expiry = expires is { } e ? ",\"expiration_time\":" + e.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) : "";
        var reset = callsReset is { } c ? ",\"limit_expiration_time\":" + c.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) : "";
        return "{\"messaging_product\":\"whatsapp\",\"permission\":{\"status\":\"" + status + "\"" + expiry + "}," +
            "\"actions\":[" +
            "{\"action_name\":\"send_call_permission_request\",\"can_perform_action\":true,\"limits\":[{\"time_period\":\"PT24H\",\"max_allowed\":1,\"current_usage\":0}]}," +
            "{\"action_name\":\"start_call\",\"can_perform_action\":" + (canStartCall ? "true" : "false") +
            ",\"limits\":[{\"time_period\":\"PT24H\",\"max_allowed\":100,\"current_usage\":" + callsUsed.ToString(CultureInfo.InvariantCulture) + reset + "}]}]}";
    }

    public static async Task<FakeGraph> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeGraph(app);
        app.MapPost("/{version}/{phoneNumberId}/calls", fake.HandleAsync);
        app.MapGet("/{version}/{phoneNumberId}/call_permissions", (string version, string phoneNumberId, HttpRequest request) =>
        {
            fake._lookups.Enqueue(request.Query["user_wa_id"].ToString());
            return Results.Text(fake.PermissionsJson, "application/json");
        });
        // Messages (the call permission request): Meta's answer names the sent message.
        app.MapPost("/{version}/{phoneNumberId}/messages", (string version, string phoneNumberId) =>
            Results.Text("{\"messaging_product\":\"whatsapp\",\"messages\":[{\"id\":\"wamid.SENT" + Guid.NewGuid().ToString("N") + "\"}]}", "application/json"));
        app.MapGet("/{version}/{phoneNumberId}/settings", (string version, string phoneNumberId) =>
        {
            Interlocked.Increment(ref fake._settingsReads);
            return Results.Text(fake.SettingsJson, "application/json");
        });
        await app.StartAsync();
        var address = app.Services.GetService(typeof(IServer)) is IServer server
            ? server.Features.Get<IServerAddressesFeature>()!.Addresses.First()
            : throw new InvalidOperationException("No server.");
        fake.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return fake;
    }

    /// <summary>Completes when the next request arrives after this call.</summary>
    /// <summary>
    /// The first recorded request matching <paramref name="match"/>, waiting for it if needed. The signal is taken
    /// before the list is read, so a request recorded in between always wakes the wait.
    /// </summary>
    public async Task<GraphRequest> WaitForRequestAsync(Func<GraphRequest, bool> match, CancellationToken cancellationToken)
    {
        while (true)
        {
            var next = Volatile.Read(ref _next).Task;
            if (_requests.FirstOrDefault(match) is { } found)
            {
                return found;
            }

            await next.WaitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// The next <paramref name="action"/> request is recorded at once, but its response waits until the returned source
    /// completes: a Graph request "in flight" while the test delivers something else.
    /// </summary>
    public TaskCompletionSource Hold(string action)
    {
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _holds[action] = hold;
        return hold;
    }

    /// <summary>Every later <paramref name="action"/> fails with Meta's error body.</summary>
    public void Fail(string action, int httpStatus, int code, string message) => _errors[action] = (httpStatus, code, message);

    public static string WacidFor(int n) => "wacid.FAKE" + n.ToString(CultureInfo.InvariantCulture);

    private async Task<IResult> HandleAsync(string version, string phoneNumberId, HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync();
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        var action = root.GetProperty("action").GetString()!;
        string? sdpType = null, sdp = null;
        if (root.TryGetProperty("session", out var session))
        {
            sdpType = session.GetProperty("sdp_type").GetString();
            sdp = session.GetProperty("sdp").GetString();
        }

        _requests.Enqueue(new GraphRequest(
            phoneNumberId, action, Str(root, "to"), Str(root, "call_id"), sdpType, sdp, request.Headers.Authorization.ToString(), body));
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        if (_holds.TryRemove(action, out var hold))
        {
            await hold.Task;
        }

        if (_errors.TryGetValue(action, out var error))
        {
            return Results.Json(
                new { error = new { message = error.Message, type = "OAuthException", code = error.Code, fbtrace_id = "AbCdEf" } },
                statusCode: error.Status);
        }

        if (action == "connect")
        {
            var id = WacidFor(Interlocked.Increment(ref _wacids));
            return Results.Json(new { messaging_product = "whatsapp", calls = new[] { new { id } } });
        }

        return Results.Json(new { messaging_product = "whatsapp", success = true });
    }

    private static string? Str(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
