using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Serverless.MediaNode.Events;

/// <summary>
/// Delivers the outbox head by head: a transient failure is retried with exponential backoff (the head stays,
/// so later events, of any call, wait behind it and order holds); a permanent refusal is logged as an error and
/// counted, then skipped. On shutdown it keeps delivering until the outbox is empty or the host's stop deadline.
/// </summary>
public sealed partial class EventDispatcher : BackgroundService
{
    private readonly EventOutbox _outbox;
    private readonly MediaEventSender _sender;
    private readonly MediaNodeMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly TimeSpan _firstDelay;
    private readonly TimeSpan _maxDelay;
    private readonly ILogger<EventDispatcher> _logger;
    private readonly CancellationTokenSource _hardStop = new();
    private int _disposed;

    /// <summary>Creates the dispatcher.</summary>
    public EventDispatcher(EventOutbox outbox, MediaEventSender sender, MediaNodeMetrics metrics, TimeProvider time, TimeSpan firstDelay, TimeSpan maxDelay, ILogger<EventDispatcher> logger)
    {
        _outbox = outbox;
        _sender = sender;
        _metrics = metrics;
        _time = time;
        _firstDelay = firstDelay;
        _maxDelay = maxDelay;
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
        var delay = _firstDelay;
        try
        {
            while (!token.IsCancellationRequested)
            {
                var head = _outbox.Peek();
                if (head is null)
                {
                    await _outbox.WaitForChangeAsync(token).ConfigureAwait(false);
                    continue;
                }

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

                _outbox.Remove(head);
                delay = _firstDelay;
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Stopped.
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Functions refused {EventType} of call {CallId} for good; it is skipped")]
    private static partial void LogRejected(ILogger logger, string eventType, string callId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Shutdown deadline reached with {Pending} events undelivered")]
    private static partial void LogUndelivered(ILogger logger, int pending);
}
