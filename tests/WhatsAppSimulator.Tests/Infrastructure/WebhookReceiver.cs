using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Serverless.Testing.WhatsAppSimulator.Tests.Infrastructure;

/// <summary>A real Kestrel endpoint on 127.0.0.1 standing in for the product's webhook; keeps raw bodies.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly List<ReceivedWebhook> _received = [];
    private readonly WebApplication _app;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WebhookReceiver(WebApplication app) => _app = app;

    /// <summary>Status to answer the n-th (0-based) request with; 200 by default.</summary>
    public Func<int, int> StatusFor { get; set; } = _ => 200;

    public Uri Url { get; private set; } = new("http://127.0.0.1/");

    public IReadOnlyList<ReceivedWebhook> Received
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/api/webhook", receiver.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = new Uri(address.TrimEnd('/') + "/api/webhook");
        return receiver;
    }

    /// <summary>Waits until at least <paramref name="count"/> POSTs arrived (10 s safety net) and returns them.</summary>
    public async Task<IReadOnlyList<ReceivedWebhook>> WaitForAsync(int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_received.Count >= count)
                {
                    return [.. _received];
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(timeout.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        TaskCompletionSource old;
        int index;
        lock (_gate)
        {
            index = _received.Count;
            _received.Add(new ReceivedWebhook(buffer.ToArray(), context.Request.Headers["X-Hub-Signature-256"].ToString(), context.Request.ContentType));
            old = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        context.Response.StatusCode = StatusFor(index);
        old.TrySetResult();
    }
}

public sealed record ReceivedWebhook(byte[] Body, string Signature, string? ContentType)
{
    public System.Text.Json.JsonDocument Parse() => System.Text.Json.JsonDocument.Parse(Body);
}
