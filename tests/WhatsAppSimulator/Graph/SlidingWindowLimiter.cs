using Serverless.Testing.WhatsAppSimulator.Clock;

namespace Serverless.Testing.WhatsAppSimulator.Graph;

/// <summary>At most N admitted requests per key in any window of simulated time; refused requests do not count.</summary>
internal sealed class SlidingWindowLimiter(SimulatorClock clock, int limit, TimeSpan window)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Queue<DateTimeOffset>> _admitted = new(StringComparer.Ordinal);

    public bool TryAcquire(string key)
    {
        lock (_gate)
        {
            if (!_admitted.TryGetValue(key, out var times))
            {
                times = new Queue<DateTimeOffset>();
                _admitted[key] = times;
            }

            var now = clock.UtcNow;
            while (times.Count > 0 && times.Peek() <= now - window)
            {
                times.Dequeue();
            }

            if (times.Count >= limit)
            {
                return false;
            }

            times.Enqueue(now);
            return true;
        }
    }
}
