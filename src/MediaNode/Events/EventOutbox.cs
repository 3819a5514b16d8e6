using Microsoft.Extensions.Logging;
using Serverless.Shared.Media;

namespace Serverless.MediaNode.Events;

/// <summary>
/// Events waiting for delivery to the Functions, oldest first. One FIFO for the whole node keeps every call's
/// events in order (the Functions' state machine depends on OfferReady before MediaConnected before MediaEnded);
/// the dispatcher retries the head until it is delivered. In memory and bounded: a full outbox refuses an event
/// with an error log and a counted drop, never silently. (Not durable across restarts: a restart loses the calls'
/// media anyway, and the Functions' sweeper fails calls whose node went away.)
/// </summary>
public sealed partial class EventOutbox
{
    private readonly Queue<MediaEvent> _queue = new();
    private readonly Lock _gate = new();
    private readonly int _capacity;
    private readonly ILogger<EventOutbox> _logger;
    private TaskCompletionSource _changed = NewSignal();
    private long _dropped;

    /// <summary>Creates an outbox holding at most <paramref name="capacity"/> events.</summary>
    public EventOutbox(int capacity, ILogger<EventOutbox> logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentNullException.ThrowIfNull(logger);
        _capacity = capacity;
        _logger = logger;
    }

    /// <summary>Events not yet delivered.</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Events refused because the outbox was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Queues <paramref name="mediaEvent"/>; false (logged as an error) when the outbox is full.</summary>
    public bool Enqueue(MediaEvent mediaEvent)
    {
        ArgumentNullException.ThrowIfNull(mediaEvent);
        TaskCompletionSource signal;
        lock (_gate)
        {
            if (_queue.Count >= _capacity)
            {
                Interlocked.Increment(ref _dropped);
                LogFull(_logger, mediaEvent.MessageType, mediaEvent.CallId, _capacity);
                return false;
            }

            _queue.Enqueue(mediaEvent);
            signal = _changed;
            _changed = NewSignal();
        }

        signal.TrySetResult();
        return true;
    }

    /// <summary>The oldest undelivered event, or null when empty.</summary>
    public MediaEvent? Peek()
    {
        lock (_gate)
        {
            return _queue.TryPeek(out var head) ? head : null;
        }
    }

    /// <summary>Removes the head once it was delivered (or refused for good).</summary>
    public void Remove(MediaEvent delivered)
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            if (!_queue.TryPeek(out var head) || !ReferenceEquals(head, delivered))
            {
                throw new InvalidOperationException("Only the head of the outbox can be removed.");
            }

            _queue.Dequeue();
            signal = _changed;
            _changed = NewSignal();
        }

        signal.TrySetResult();
    }

    /// <summary>Completes at the next enqueue or removal.</summary>
    public Task WaitForChangeAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _changed.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Completes when every queued event is delivered.</summary>
    public async Task WaitUntilEmptyAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task change;
            lock (_gate)
            {
                if (_queue.Count == 0)
                {
                    return;
                }

                change = _changed.Task;
            }

            await change.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(Level = LogLevel.Error, Message = "Event outbox full ({Capacity}); {EventType} of call {CallId} NOT queued")]
    private static partial void LogFull(ILogger logger, string eventType, string callId, int capacity);
}
