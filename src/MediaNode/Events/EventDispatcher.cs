using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serverless.Shared.Media;

namespace Serverless.MediaNode.Events;

/// <summary>
/// Delivers the outbox's per-call heads, up to <c>MediaNode:MaxParallelEventDeliveries</c> at once: each call's events
/// one after another (a transient failure is retried with exponential backoff and that call's later events wait
/// behind it), different calls' events in parallel, so one stuck event holds up only its own call. A permanent
/// refusal is logged as an error and counted, then skipped. On shutdown it keeps delivering until the outbox is empty
/// or the host's stop deadline.
/// </summary>
public sealed partial class EventDispatcher : BackgroundService
{
    private readonly EventOutbox _outbox;
    private readonly MediaEventSender _sender;
    private readonly MediaNodeMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly TimeSpan _firstDelay;
    private readonly TimeSpan _maxDelay;
    private readonly int _maxParallel;
    private readonly ILogger<EventDispatcher> _logger;
    private readonly CancellationTokenSource _hardStop = new();
    private int _disposed;

    /// <summary>Creates the dispatcher.</summary>
    public EventDispatcher(EventOutbox outbox, MediaEventSender sender, MediaNodeMetrics metrics, TimeProvider time, TimeSpan firstDelay, TimeSpan maxDelay, int maxParallel, ILogger<EventDispatcher> logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxParallel, 1);
        _outbox = outbox;
        _sender = sender;
        _metrics = metrics;
        _time = time;
        _firstDelay = firstDelay;
        _maxDelay = maxDelay;
        _maxParallel = maxParallel;
        _logger = logger;
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Drain first: events of calls hung up during shutdown must still reach the Functions.
        try
        {
            await _outbox.WaitUntilEmptyAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            LogUndelivered(_logger, _outbox.Pending);
        }

        await _hardStop.CancelAsync().ConfigureAwait(false);
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        // DI disposes this twice (singleton and hosted-service registration): only the first call acts.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Disposed without a stop (host torn down): end the loop rather than leave it waiting.
        _hardStop.Cancel();
        _hardStop.Dispose();
        base.Dispose();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The host's stopping token fires before StopAsync drains; run on our own token instead.
        var token = _hardStop.Token;
        using var slots = new SemaphoreSlim(_maxParallel);
        var running = new HashSet<Task>();
        try
        {
            while (!token.IsCancellationRequested)
            {
                await slots.WaitAsync(token).ConfigureAwait(false);
                MediaEvent? next;
                while (true)
                {
                    // Taken before looking, so an event queued in between still wakes us.
                    var changed = _outbox.WaitForChangeAsync(token);
                    next = _outbox.TryTake();
                    if (next is not null)
                    {
                        break;
                    }

                    await changed.ConfigureAwait(false);
                }

                var delivery = DeliverAsync(next, slots, token);
                lock (running)
                {
                    running.Add(delivery);
                }

                _ = delivery.ContinueWith(
                    done =>
                    {
                        lock (running)
                        {
                            running.Remove(done);
                        }
                    },
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Stopped.
        }

        Task[] left;
        lock (running)
        {
            left = [.. running];
        }

        // Each ends at once on the cancelled token, releasing its slot before it completes.
        await Task.WhenAll(left).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

        // A start whose reply is still here is given up, so its message is released for another node now rather
        // than when its visibility or lock runs out.
        _outbox.AbandonTracked();
    }

    /// <summary>
    /// Delivers one call's head event: a transient failure is retried with exponential backoff while that call's later
    /// events wait (order holds within the call; other calls go on); a permanent refusal is logged, counted and skipped.
    /// </summary>
    private async Task DeliverAsync(MediaEvent head, SemaphoreSlim slot, CancellationToken token)
    {
        // Off the taking loop at once: the send's synchronous start (serializing, signing) must not hold up other calls.
        await Task.Yield();
        var delay = _firstDelay;
        try
        {
            while (true)
            {
                var result = await _sender.SendAsync(head, token).ConfigureAwait(false);
                if (result == EventDelivery.RetryLater)
                {
                    _metrics.EventRetried();
                    await Task.Delay(delay, _time, token).ConfigureAwait(false);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _maxDelay.Ticks));
                    continue;
                }

                if (result == EventDelivery.Rejected)
                {
                    _metrics.EventRejected();
                    LogRejected(_logger, head.MessageType, head.CallId);
                }

                _outbox.Complete(head);
                return;
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Stopped: the event stays undelivered (counted by StopAsync's log).
        }
        finally
        {
            slot.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Functions refused {EventType} of call {CallId} for good; it is skipped")]
    private static partial void LogRejected(ILogger logger, string eventType, string callId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Shutdown deadline reached with {Pending} events undelivered")]
    private static partial void LogUndelivered(ILogger logger, int pending);
}
