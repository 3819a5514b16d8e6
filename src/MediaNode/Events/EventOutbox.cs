using Microsoft.Extensions.Logging;
using Serverless.Shared.Media;

namespace Serverless.MediaNode.Events;

/// <summary>
/// Events waiting for delivery to the Functions, one FIFO lane per call. Within a call order is kept (the Functions'
/// state machine depends on OfferReady before MediaConnected before MediaEnded): a lane hands out its head only when
/// the previous head of that call was delivered. Across calls nothing waits: the dispatcher takes the heads of many
/// lanes at once, so one call's stuck event (an endpoint that hangs, a retry backoff) never holds up another call's.
/// Lanes are served in turn (a lane goes to the back after each delivery). In memory and bounded: a full outbox
/// refuses an event with an error log and a counted drop, never silently. (Not durable across restarts: a restart
/// loses the calls' media anyway, and the Functions fail a lost node's calls. A start's reply is the exception that
/// matters, and it is covered by its command instead: <see cref="EnqueueTracked"/> tells the command's message when the
/// reply was handed over, and the message is completed only then, so a node that dies first leaves the start to
/// another node.)
/// </summary>
public sealed partial class EventOutbox
{
    private readonly Dictionary<string, Queue<MediaEvent>> _lanes = new(StringComparer.Ordinal);
    // Calls whose head is waiting to be taken, in turn; a lane whose head is out (taken, not yet done) is not here.
    private readonly Queue<string> _ready = new();
    private readonly HashSet<string> _taken = new(StringComparer.Ordinal);
    // Events whose hand-over someone waits for (a start's reply), by reference.
    private readonly Dictionary<MediaEvent, TaskCompletionSource<bool>> _tracked = new(ReferenceEqualityComparer.Instance);
    private readonly Lock _gate = new();
    private readonly int _capacity;
    private readonly ILogger<EventOutbox> _logger;
    private TaskCompletionSource _changed = NewSignal();
    private int _count;
    private long _dropped;

    /// <summary>Creates an outbox holding at most <paramref name="capacity"/> events.</summary>
    public EventOutbox(int capacity, ILogger<EventOutbox> logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentNullException.ThrowIfNull(logger);
        _capacity = capacity;
        _logger = logger;
    }

    /// <summary>Events not yet delivered (taken ones included).</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>Events refused because the outbox was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Queues <paramref name="mediaEvent"/> behind its call's earlier events; false (logged as an error) when the outbox is full.</summary>
    public bool Enqueue(MediaEvent mediaEvent)
    {
        ArgumentNullException.ThrowIfNull(mediaEvent);
        TaskCompletionSource signal;
        lock (_gate)
        {
            if (_count >= _capacity)
            {
                Interlocked.Increment(ref _dropped);
                LogFull(_logger, mediaEvent.MessageType, mediaEvent.CallId, _capacity);
                return false;
            }

            if (!_lanes.TryGetValue(mediaEvent.CallId, out var lane))
            {
                lane = new Queue<MediaEvent>();
                _lanes.Add(mediaEvent.CallId, lane);
                _ready.Enqueue(mediaEvent.CallId);
            }

            lane.Enqueue(mediaEvent);
            _count++;
            signal = Swap();
        }

        signal.TrySetResult();
        return true;
    }

    /// <summary>
    /// As <see cref="Enqueue"/>, and the returned task says when the event left the outbox: true once the Functions
    /// answered it (accepted, or refused for good: either way they have decided), false when it was never queued
    /// (outbox full) or the node stopped before delivering it (<see cref="AbandonTracked"/>).
    /// </summary>
    public Task<bool> EnqueueTracked(MediaEvent mediaEvent)
    {
        ArgumentNullException.ThrowIfNull(mediaEvent);
        var handedOver = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            // Registered first: the dispatcher may deliver it the moment it is queued.
            _tracked[mediaEvent] = handedOver;
        }

        if (!Enqueue(mediaEvent))
        {
            lock (_gate)
            {
                _tracked.Remove(mediaEvent);
            }

            handedOver.TrySetResult(false);
        }

        return handedOver.Task;
    }

    /// <summary>The node stops with events undelivered: whoever waits for one learns it was not handed over.</summary>
    public void AbandonTracked()
    {
        TaskCompletionSource<bool>[] waiting;
        lock (_gate)
        {
            waiting = [.. _tracked.Values];
            _tracked.Clear();
        }

        foreach (var handedOver in waiting)
        {
            handedOver.TrySetResult(false);
        }
    }

    /// <summary>
    /// Takes the head of the next call whose earlier events are all done, or null when there is none. The event stays
    /// counted (and its call's later events wait) until <see cref="Complete"/>.
    /// </summary>
    public MediaEvent? TryTake()
    {
        lock (_gate)
        {
            if (!_ready.TryDequeue(out var callId))
            {
                return null;
            }

            _taken.Add(callId);
            return _lanes[callId].Peek();
        }
    }

    /// <summary>Removes a taken event once it was delivered (or refused for good); its call's next event becomes ready.</summary>
    public void Complete(MediaEvent done)
    {
        ArgumentNullException.ThrowIfNull(done);
        TaskCompletionSource signal;
        TaskCompletionSource<bool>? handedOver = null;
        lock (_gate)
        {
            if (!_lanes.TryGetValue(done.CallId, out var lane) || !ReferenceEquals(lane.Peek(), done) || !_taken.Remove(done.CallId))
            {
                throw new InvalidOperationException("Only a taken event (the head of its call) can be completed.");
            }

            lane.Dequeue();
            _count--;
            if (_tracked.Remove(done, out var waiting))
            {
                handedOver = waiting;
            }

            if (lane.Count == 0)
            {
                _lanes.Remove(done.CallId);
            }
            else
            {
                _ready.Enqueue(done.CallId);
            }

            signal = Swap();
        }

        signal.TrySetResult();
        handedOver?.TrySetResult(true);
    }

    /// <summary>Completes at the next enqueue or completion.</summary>
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
                if (_count == 0)
                {
                    return;
                }

                change = _changed.Task;
            }

            await change.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private TaskCompletionSource Swap()
    {
        var signal = _changed;
        _changed = NewSignal();
        return signal;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(Level = LogLevel.Error, Message = "Event outbox full ({Capacity}); {EventType} of call {CallId} NOT queued")]
    private static partial void LogFull(ILogger logger, string eventType, string callId, int capacity);
}
