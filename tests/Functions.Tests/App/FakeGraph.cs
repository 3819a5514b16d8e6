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
    private int _wacids;
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private FakeGraph(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public IReadOnlyList<GraphRequest> Requests => [.. _requests];

    public IReadOnlyList<string> Actions => [.. _requests.Select(r => r.Action)];

    public static async Task<FakeGraph> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeGraph(app);
        app.MapPost("/{version}/{phoneNumberId}/calls", fake.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetService(typeof(IServer)) is IServer server
            ? server.Features.Get<IServerAddressesFeature>()!.Addresses.First()
            : throw new InvalidOperationException("No server.");
        fake.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return fake;
    }

    /// <summary>Completes when the next request arrives after this call.</summary>
    public Task NextRequestAsync(CancellationToken cancellationToken) => Volatile.Read(ref _next).Task.WaitAsync(cancellationToken);

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
