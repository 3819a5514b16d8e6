namespace Serverless.Testing.WhatsAppSimulator.Clock;

/// <summary>
/// Schedules simulator actions at absolute instants of an injectable <see cref="TimeProvider"/>.
/// Scripted behaviours arm every timer of a call at the moment the call starts (relative to that instant),
/// so a test driving a FakeTimeProvider can advance time whenever it likes without racing the simulator.
/// </summary>
public sealed class SimulatorClock
{
    private readonly object _gate = new();
    private readonly HashSet<ScheduledAction> _pending = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Creates a clock over <paramref name="time"/>.</summary>
    public SimulatorClock(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        Time = time;
    }

    /// <summary>The time source every simulated delay uses.</summary>
    public TimeProvider Time { get; }

    /// <summary>Current instant of <see cref="Time"/>.</summary>
    public DateTimeOffset UtcNow => Time.GetUtcNow();

    /// <summary>Timers armed and not yet fired or cancelled.</summary>
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

    /// <summary>Unix seconds of the current instant, as Meta writes timestamps.</summary>
    public long UnixSeconds => UtcNow.ToUnixTimeSeconds();

    /// <summary>
    /// Runs <paramref name="action"/> at <paramref name="dueAt"/> (at once if it has passed), passing the due instant:
    /// a FakeTimeProvider advanced past several timers fires them all at the final time, and events must still be
    /// stamped with the instant they were scheduled for. Dispose to cancel.
    /// </summary>
    public IDisposable ScheduleAt(DateTimeOffset dueAt, Action<DateTimeOffset> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var delay = dueAt - Time.GetUtcNow();
        if (delay < TimeSpan.Zero)
        {
            delay = TimeSpan.Zero;
        }

        var scheduled = new ScheduledAction(this, () => action(dueAt));
        lock (_gate)
        {
            _pending.Add(scheduled);
        }

        scheduled.Arm(Time.CreateTimer(static s => ((ScheduledAction)s!).Fire(), scheduled, delay, Timeout.InfiniteTimeSpan));
        Signal();
        return scheduled;
    }

    /// <summary>Completes after <paramref name="delay"/> of simulated time.</summary>
    public Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        if (delay <= TimeSpan.Zero)
        {
            return Task.CompletedTask;
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var scheduled = ScheduleAt(UtcNow + delay, _ => done.TrySetResult());
        var registration = cancellationToken.Register(() =>
        {
            scheduled.Dispose();
            done.TrySetCanceled(cancellationToken);
        });
        return done.Task.ContinueWith(
            t =>
            {
                registration.Dispose();
                return t;
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default).Unwrap();
    }

    /// <summary>Waits until <paramref name="condition"/> holds; re-evaluated whenever a timer is armed, fired or cancelled.</summary>
    public async Task WaitUntilAsync(Func<SimulatorClock, bool> condition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(condition);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (condition(this))
                {
                    return;
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    private void Remove(ScheduledAction scheduled)
    {
        bool removed;
        lock (_gate)
        {
            removed = _pending.Remove(scheduled);
        }

        if (removed)
        {
            Signal();
        }
    }

    private void Signal()
    {
        TaskCompletionSource old;
        lock (_gate)
        {
            old = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        old.TrySetResult();
    }

    private sealed class ScheduledAction(SimulatorClock clock, Action action) : IDisposable
    {
        private ITimer? _timer;
        private int _state; // 0 armed, 1 fired or cancelled

        public void Arm(ITimer timer)
        {
            _timer = timer;
            if (Volatile.Read(ref _state) != 0)
            {
                timer.Dispose();
            }
        }

        public void Fire()
        {
            if (Interlocked.Exchange(ref _state, 1) != 0)
            {
                return;
            }

            _timer?.Dispose();
            try
            {
                action();
            }
            finally
            {
                clock.Remove(this);
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _state, 1) != 0)
            {
                return;
            }

            _timer?.Dispose();
            clock.Remove(this);
        }
    }
}
