using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serverless.Shared.Media;
using Serverless.Shared.Security;

namespace Serverless.MediaNode.Host.Tests;

/// <summary>
/// Stands in for the Functions' media events endpoint: a real Kestrel on 127.0.0.1 that verifies each delivery's
/// signature with <see cref="MediaEventSigner"/>, records valid events in arrival order, and can be switched "down"
/// (503) to exercise the node's outbox.
/// </summary>
internal sealed class EventReceiver : IAsyncDisposable
{
    public const string Secret = "test-events-secret";

    private WebApplication _app = null!;
    private readonly MediaEventSigner _signer = new(new HmacSha256Signature(Secret), TimeProvider.System);
    private readonly ConcurrentQueue<MediaEvent> _events = new();
    private readonly Lock _gate = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _invalid;
    private int _refusedWhileDown;
    private int _hung;
    private readonly ConcurrentQueue<string> _hungTypes = new();
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Uri Url { get; private set; } = null!;

    public bool Down { get; set; }

    /// <summary>Event type answered with 400 (a permanent refusal), or null.</summary>
    public string? RejectType { get; set; }

    /// <summary>Call whose deliveries hang (no answer) until <see cref="ReleaseHung"/>, or null.</summary>
    public string? HangCallId { get; set; }

    /// <summary>Deliveries of <see cref="HangCallId"/> that arrived and are being held.</summary>
    public int HungDeliveries => Volatile.Read(ref _hung);

    /// <summary>The event types of the held deliveries, in arrival order (a timed-out POST is retried, so may repeat).</summary>
    public IReadOnlyList<string> HungTypes => [.. _hungTypes];

    public int InvalidDeliveries => Volatile.Read(ref _invalid);

    public int RefusedWhileDown => Volatile.Read(ref _refusedWhileDown);

    public IReadOnlyList<MediaEvent> Events => [.. _events];

    public static async Task<EventReceiver> StartAsync()
    {
        var receiver = new EventReceiver();
        (receiver._app, receiver.Url) = await LoopbackHttp.StartPostAsync("/api/media/events", receiver.ReceiveAsync);
        return receiver;
    }

    /// <summary>Lets the held deliveries (and later ones of <see cref="HangCallId"/>) go on.</summary>
    public void ReleaseHung() => _release.TrySetResult();

    /// <summary>Waits until at least <paramref name="count"/> deliveries of <see cref="HangCallId"/> are held.</summary>
    public Task WaitForHungAsync(int count) =>
        WaitUntilAsync(string.Empty, _ => HungDeliveries >= count, $"{count} held deliveries");

    public IReadOnlyList<MediaEvent> ForCall(string callId) => [.. _events.Where(e => e.CallId == callId)];

    /// <summary>Waits for the first event of type <typeparamref name="T"/> for <paramref name="callId"/>.</summary>
    public async Task<T> WaitForAsync<T>(string callId, TimeSpan? timeout = null)
        where T : MediaEvent
    {
        await WaitUntilAsync(callId, events => events.OfType<T>().Any(), typeof(T).Name, timeout);
        return ForCall(callId).OfType<T>().First();
    }

    /// <summary>Waits until at least <paramref name="count"/> deliveries were refused while down.</summary>
    public Task WaitForRefusalsAsync(int count) =>
        WaitUntilAsync(string.Empty, _ => RefusedWhileDown >= count, $"{count} refused deliveries");

    /// <summary>Waits until the events of <paramref name="callId"/> satisfy <paramref name="condition"/>.</summary>
    public async Task WaitUntilAsync(string callId, Func<IReadOnlyList<MediaEvent>, bool> condition, string what, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TestKit.Wait);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }

            if (condition(ForCall(callId)))
            {
                return;
            }

            try
            {
                await changed.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                var seen = string.Join(", ", ForCall(callId).Select(e => e.MessageType));
                throw new TimeoutException($"Call {callId}: no {what}; saw [{seen}].");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        var bytes = body.ToArray();
        if (Down)
        {
            Interlocked.Increment(ref _refusedWhileDown);
            Signal();
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }

        var check = _signer.Verify(bytes, request.Headers[MediaEventSigner.SignatureHeaderName], request.Headers[MediaEventSigner.TimestampHeaderName]);
        if (check != MediaEventCheck.Valid || !MediaMessageSerializer.TryDeserialize<MediaEvent>(bytes, out var mediaEvent, out _))
        {
            Interlocked.Increment(ref _invalid);
            return Results.Unauthorized();
        }

        if (HangCallId is { } hang && mediaEvent.CallId == hang && !_release.Task.IsCompleted)
        {
            _hungTypes.Enqueue(mediaEvent.MessageType);
            Interlocked.Increment(ref _hung);
            Signal();
            await _release.Task;
        }

        if (mediaEvent.MessageType == RejectType)
        {
            return Results.BadRequest();
        }

        _events.Enqueue(mediaEvent);
        Signal();
        return Results.Ok();
    }

    private void Signal()
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }
}
