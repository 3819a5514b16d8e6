using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Callbacks;
using Serverless.Shared.Security;

namespace Serverless.Testing.LocalRun;

/// <summary>One status callback as the local receiver saw it.</summary>
/// <param name="Verified">The signature and timestamp checked out (<see cref="CallbackSignature.Verify"/>).</param>
public sealed record ReceivedCallback(DateTimeOffset At, bool Verified, string EventId, string Type, string CallId, string State, string Body);

/// <summary>
/// A status-callback receiver on 127.0.0.1 (as a Logic App's HTTP trigger would be): verifies each POST's
/// <c>X-Callback-Signature-256</c> over the raw body with the run's signing secret, answers 204 when valid and 401
/// otherwise, and reports every delivery (valid or not) so the timeline can print it.
/// </summary>
public sealed class CallbackReceiver : IAsyncDisposable
{
    private static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly List<ReceivedCallback> _received = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private CallbackReceiver(WebApplication app) => _app = app;

    /// <summary>Raised for every delivery, verified or not.</summary>
    public event Action<ReceivedCallback>? Received;

    /// <summary>The URL to give as <c>callbackUrl</c> (http://127.0.0.1:port/callbacks).</summary>
    public Uri Url { get; private set; } = null!;

    public IReadOnlyList<ReceivedCallback> Snapshot()
    {
        lock (_gate)
        {
            return [.. _received];
        }
    }

    /// <summary>Starts listening on 127.0.0.1:<paramref name="port"/> (0: a free port) and verifies with <paramref name="signingSecret"/>.</summary>
    public static async Task<CallbackReceiver> StartAsync(string signingSecret, int port = 0, CancellationToken cancellationToken = default)
    {
        var signer = new HmacSha256Signature(signingSecret);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        builder.Services.AddRouting();
        var app = builder.Build();
        var receiver = new CallbackReceiver(app);
        app.MapPost("/callbacks", async (HttpContext http) =>
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer, http.RequestAborted).ConfigureAwait(false);
            var body = buffer.ToArray();
            var check = CallbackSignature.Verify(
                signer,
                http.Request.Headers[CallbackSignature.TimestampHeader].FirstOrDefault(),
                http.Request.Headers[CallbackSignature.SignatureHeader].FirstOrDefault(),
                body,
                DateTimeOffset.UtcNow,
                Tolerance);
            receiver.Add(Parse(check == SignatureCheck.Valid, body));
            return check == SignatureCheck.Valid ? Results.NoContent() : Results.Unauthorized();
        });
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        receiver.Url = new Uri(address.TrimEnd('/') + "/callbacks");
        return receiver;
    }

    /// <summary>Waits for a delivery matching <paramref name="match"/>.</summary>
    /// <exception cref="TimeoutException">None within <paramref name="timeout"/>.</exception>
    public async Task<ReceivedCallback> WaitForAsync(Func<ReceivedCallback, bool> match, TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_received.FirstOrDefault(match) is { } found)
                {
                    return found;
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(limit.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No matching callback within {timeout} ({Snapshot().Count} received).");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static ReceivedCallback Parse(bool verified, byte[] body)
    {
        string Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "?";
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            return new ReceivedCallback(DateTimeOffset.UtcNow, verified, Text(root, "eventId"), Text(root, "type"), Text(root, "callId"), Text(root, "state"), System.Text.Encoding.UTF8.GetString(body));
        }
        catch (JsonException)
        {
            return new ReceivedCallback(DateTimeOffset.UtcNow, verified, "?", "?", "?", "?", System.Text.Encoding.UTF8.GetString(body));
        }
    }

    private void Add(ReceivedCallback callback)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _received.Add(callback);
            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
        Received?.Invoke(callback);
    }
}
