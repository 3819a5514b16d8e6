using System.Collections.Concurrent;

namespace Serverless.Shared.Transport;

/// <summary>
/// Process-local <see cref="IIdempotencyStore"/>: ids expire after a retention that must outlast redelivery
/// (attempts × retry delay plus the hold-back window); expired ids are swept as new ones arrive.
/// </summary>
public sealed class InMemoryIdempotencyStore : IIdempotencyStore
{
    /// <summary>Default retention of a processed id.</summary>
    public static readonly TimeSpan DefaultRetention = TimeSpan.FromHours(1);

    private const int SweepEvery = 256;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _expiries = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly TimeSpan _retention;
    private int _marksSinceSweep;

    /// <summary>Creates the store.</summary>
    public InMemoryIdempotencyStore(TimeProvider time, TimeSpan? retention = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _retention = retention ?? DefaultRetention;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_retention, TimeSpan.Zero, nameof(retention));
    }

    /// <summary>How many ids are held (expired ones included until swept).</summary>
    public int Count => _expiries.Count;

    /// <inheritdoc />
    public ValueTask<bool> IsProcessedAsync(string messageId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        var seen = _expiries.TryGetValue(messageId, out var expiry) && expiry > _time.GetUtcNow();
        return ValueTask.FromResult(seen);
    }

    /// <inheritdoc />
    public ValueTask MarkProcessedAsync(string messageId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        var now = _time.GetUtcNow();
        _expiries[messageId] = now + _retention;
        if (Interlocked.Increment(ref _marksSinceSweep) >= SweepEvery)
        {
            Interlocked.Exchange(ref _marksSinceSweep, 0);
            Sweep(now);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Drops expired ids.</summary>
    public void Sweep() => Sweep(_time.GetUtcNow());

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (id, expiry) in _expiries)
        {
            if (expiry <= now)
            {
                _expiries.TryRemove(new KeyValuePair<string, DateTimeOffset>(id, expiry));
            }
        }
    }
}
