using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace Serverless.Shared.Tests.WhatsApp.Graph.Support;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that also reports every timer being armed (created or changed with a
/// finite due time), so a test can wait for "the pipeline is now waiting N seconds" and then advance
/// exactly that far. No real time passes.
/// </summary>
internal sealed class TrackingTimeProvider : TimeProvider, IDisposable
{
    private readonly ConcurrentQueue<TimeSpan> _armed = new();
    private readonly SemaphoreSlim _armedSignal = new(0);

    public TrackingTimeProvider(DateTimeOffset start) => Fake = new FakeTimeProvider(start);

    public FakeTimeProvider Fake { get; }

    /// <summary>Every due time armed so far, in order.</summary>
    public IReadOnlyCollection<TimeSpan> ArmedDueTimes => _armed.ToArray();

    public override DateTimeOffset GetUtcNow() => Fake.GetUtcNow();

    public override long GetTimestamp() => Fake.GetTimestamp();

    public override long TimestampFrequency => Fake.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => Fake.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new TrackingTimer(this, Fake.CreateTimer(callback, state, dueTime, period));
        Record(dueTime);
        return timer;
    }

    public void Advance(TimeSpan by) => Fake.Advance(by);

    public void Dispose() => _armedSignal.Dispose();

    /// <summary>Waits (really, bounded) until a timer with exactly <paramref name="dueTime"/> has been armed.</summary>
    public async Task WaitForArmedAsync(TimeSpan dueTime, TimeSpan? realTimeout = null)
    {
        using var cts = new CancellationTokenSource(realTimeout ?? TimeSpan.FromSeconds(10));
        while (!_armed.Contains(dueTime))
        {
            try
            {
                await _armedSignal.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException(
                    $"No timer armed for {dueTime}; armed: [{string.Join(", ", _armed)}]");
            }
        }
    }

    /// <summary>
    /// Waits until the <paramref name="occurrence"/>-th timer matching <paramref name="predicate"/> has been
    /// armed and returns its due time.
    /// </summary>
    public async Task<TimeSpan> WaitForArmedAsync(Func<TimeSpan, bool> predicate, int occurrence = 1, TimeSpan? realTimeout = null)
    {
        using var cts = new CancellationTokenSource(realTimeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var matches = _armed.Where(predicate).ToArray();
            if (matches.Length >= occurrence)
            {
                return matches[occurrence - 1];
            }

            try
            {
                await _armedSignal.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Timer #{occurrence} not armed; armed: [{string.Join(", ", _armed)}]");
            }
        }
    }

    private void Record(TimeSpan dueTime)
    {
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            _armed.Enqueue(dueTime);
            _armedSignal.Release();
        }
    }

    private sealed class TrackingTimer(TrackingTimeProvider owner, ITimer inner) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var changed = inner.Change(dueTime, period);
            owner.Record(dueTime);
            return changed;
        }

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
