using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serverless.Shared.Media;

namespace Serverless.Testing.LocalRun;

/// <summary>One media event seen on its way from the MediaNode to the Functions.</summary>
/// <param name="At">When the tap received it.</param>
/// <param name="Event">The event as the node sent it.</param>
/// <param name="FunctionsStatus">What the Functions answered (502 when they were unreachable; 503 when held back).</param>
/// <param name="HeldBack">The test held it back (<see cref="EventTap.HoldBack"/>): answered 503, never forwarded.</param>
public sealed record TappedEvent(DateTimeOffset At, MediaEvent Event, int FunctionsStatus, bool HeldBack = false);

/// <summary>
/// A pass-through between the MediaNode and the Functions' <c>/api/media/events</c> on 127.0.0.1: forwards the
/// exact bytes and signature headers, answers with the Functions' status (502 when they are down, so the node
/// retries), and keeps a log of the events. Events the product does not store (DTMF digits) and the exact order the
/// node sent are visible only here.
/// </summary>
public sealed class EventTap : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _forward = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly Lock _gate = new();
    private readonly List<TappedEvent> _events = [];
    private readonly List<(Func<TappedEvent, bool> Match, TaskCompletionSource<TappedEvent> Found)> _waiters = [];

    private EventTap(WebApplication app, Uri target)
    {
        _app = app;
        Target = target;
    }

    /// <summary>Raised for each event after it was forwarded.</summary>
    public event Action<TappedEvent>? Seen;

    /// <summary>
    /// Events the tap answers 503 without forwarding, as if the Functions were unreachable for them (the node keeps
    /// them and retries): a test holds one node's offers back, deterministically, instead of racing a slow path.
    /// </summary>
    public Func<MediaEvent, bool>? HoldBack { get; set; }

    /// <summary>The Functions' media events endpoint.</summary>
    public Uri Target { get; set; }

    /// <summary>Where the node posts.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Every event so far, oldest first.</summary>
    public IReadOnlyList<TappedEvent> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    public static async Task<EventTap> StartAsync(Uri target, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var tap = new EventTap(app, target);
        app.MapPost("/events", tap.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Urls.First();
        tap.Url = new Uri(address.TrimEnd('/') + "/events");
        return tap;
    }

    /// <summary>The first event (seen or future) that matches.</summary>
    /// <exception cref="TimeoutException">None within <paramref name="timeout"/>.</exception>
    public Task<TappedEvent> WaitForAsync(Func<TappedEvent, bool> match, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(match);
        var found = new TaskCompletionSource<TappedEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            var seen = _events.FirstOrDefault(match);
            if (seen is not null)
            {
                return Task.FromResult(seen);
            }

            _waiters.Add((match, found));
        }

        return found.Task.WaitAsync(timeout);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync().ConfigureAwait(false);
        _forward.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);
        var bytes = body.ToArray();
        using var request = new HttpRequestMessage(HttpMethod.Post, Target) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", context.Request.ContentType ?? "application/json");
        foreach (var header in context.Request.Headers)
        {
            if (header.Key.StartsWith("X-", StringComparison.OrdinalIgnoreCase) || header.Key.Equals("traceparent", StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray());
            }
        }

        if (MediaMessageSerializer.TryDeserialize<MediaEvent>(bytes, out var held, out _) && HoldBack is { } hold && hold(held))
        {
            Record(new TappedEvent(DateTimeOffset.UtcNow, held, StatusCodes.Status503ServiceUnavailable, HeldBack: true));
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        int status;
        try
        {
            using var response = await _forward.SendAsync(request, context.RequestAborted).ConfigureAwait(false);
            status = (int)response.StatusCode;
        }
        catch (HttpRequestException)
        {
            status = StatusCodes.Status502BadGateway;
        }

        if (MediaMessageSerializer.TryDeserialize<MediaEvent>(bytes, out var evt, out _))
        {
            Record(new TappedEvent(DateTimeOffset.UtcNow, evt, status));
        }

        context.Response.StatusCode = status;
    }

    private void Record(TappedEvent tapped)
    {
        List<TaskCompletionSource<TappedEvent>> found = [];
        lock (_gate)
        {
            _events.Add(tapped);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(tapped))
                {
                    found.Add(_waiters[i].Found);
                    _waiters.RemoveAt(i);
                }
            }
        }

        foreach (var waiter in found)
        {
            waiter.TrySetResult(tapped);
        }

        Seen?.Invoke(tapped);
    }
}
