namespace Serverless.Testing.WhatsAppSimulator.Faults;

/// <summary>Injected Graph failures, consumed in order by the requests they match ("Graph answers 503 for a while").</summary>
public sealed class GraphFaults
{
    private readonly object _gate = new();
    private readonly List<GraphFault> _pending = [];

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
