namespace Serverless.Testing.WhatsAppSimulator.Faults;

/// <summary>Injected Graph failures, consumed in order by the requests they match ("Graph answers 503 for a while").</summary>
public sealed class GraphFaults
{
    private readonly object _gate = new();
    private readonly List<GraphFault> _pending = [];
    private TaskCompletionSource _releaseSlow = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource<DateTimeOffset> _slowHeld = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Faults not yet consumed.</summary>
    public int PendingCount
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>The next <paramref name="count"/> matching Graph requests fail with <paramref name="fault"/>.</summary>
    public void Inject(GraphFault fault, int count = 1)
    {
        ArgumentNullException.ThrowIfNull(fault);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        lock (_gate)
        {
            _pending.AddRange(Enumerable.Repeat(fault, count));
        }
    }

    /// <summary>Drops every pending fault.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _pending.Clear();
        }
    }

    /// <summary>Sends every response a <see cref="GraphFault.SlowResponse"/> still holds now.</summary>
    public void ReleaseSlowResponses()
    {
        TaskCompletionSource released;
        lock (_gate)
        {
            released = _releaseSlow;
            _releaseSlow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        released.TrySetResult();
    }

    /// <summary>Completes (with the simulated instant) when a slow response starts being held.</summary>
    public Task<DateTimeOffset> SlowResponseHeld
    {
        get
        {
            lock (_gate)
            {
                return _slowHeld.Task;
            }
        }
    }

    /// <summary>Holds a slow response: <paramref name="delay"/> on <paramref name="time"/>, or until released.</summary>
    internal async Task HoldAsync(TimeSpan delay, TimeProvider time, CancellationToken requestAborted)
    {
        Task released;
        lock (_gate)
        {
            released = _releaseSlow.Task;
            _slowHeld.TrySetResult(time.GetUtcNow());
        }

        await Task.WhenAny(Task.Delay(delay, time, requestAborted), released);
        requestAborted.ThrowIfCancellationRequested();
    }

    /// <summary>Takes the first fault matching a request to <paramref name="edge"/> (last path segment).</summary>
    internal GraphFault? TakeFor(string edge)
    {
        lock (_gate)
        {
            var index = _pending.FindIndex(f => f.Edge is null || string.Equals(f.Edge, edge, StringComparison.Ordinal));
            if (index < 0)
            {
                return null;
            }

            var fault = _pending[index];
            _pending.RemoveAt(index);
            return fault;
        }
    }
}
