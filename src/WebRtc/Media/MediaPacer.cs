namespace Serverless.WebRtc.Media;

/// <summary>
/// One pacing thread for every audio stream of the process (a thread or timer per call does not scale:
/// anchors.md B2). Streams register; each 20 ms tick calls every registered stream's <see cref="IPacedStream.OnTick"/>
/// once, at the stream's own fixed offset in the tick: the tick is cut into <see cref="MediaPacerOptions.Slots"/> slots
/// and a new stream takes the slot with the fewest streams, so the node's packets spread over the tick instead of
/// leaving in one burst, and each stream's packets stay 20 ms apart. The schedule is computed from
/// <see cref="TimeProvider"/>: <see cref="RunDueTicks"/> holds all tick logic and tests drive it with a fake clock;
/// <see cref="Start"/> merely runs it on a dedicated thread.
/// </summary>
public sealed class MediaPacer : IDisposable
{
    private static readonly Lazy<MediaPacer> SharedPacer = new(() =>
    {
        var pacer = new MediaPacer(TimeProvider.System);
        pacer.Start();
        return pacer;
    });

    private readonly TimeProvider _timeProvider;
    private readonly MediaPacerOptions _options;
    private readonly long _slotTicks;
    private readonly long _origin;
    private readonly Lock _registrationGate = new();
    private readonly ManualResetEventSlim _stopSignal = new();

    // One copy-on-write array per slot: a slot run reads its array without a lock and without allocating.
    private readonly IPacedStream[][] _slots;
    private long _slotsAccounted;
    private long _ticksRun;
    private long _ticksSkipped;
    private long _streamFaults;
    private Thread? _thread;

    internal MediaPacer(TimeProvider timeProvider, MediaPacerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        _options = options ?? new MediaPacerOptions();
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_options.Interval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxCatchUpTicks, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.Slots, 1);
        if (_options.Interval.Ticks % _options.Slots != 0)
        {
            throw new ArgumentException("The interval must divide into whole slots.", nameof(options));
        }

        _slotTicks = _options.Interval.Ticks / _options.Slots;
        _slots = new IPacedStream[_options.Slots][];
        for (var i = 0; i < _slots.Length; i++)
        {
            _slots[i] = [];
        }

        _origin = timeProvider.GetTimestamp();
    }

    /// <summary>The process-wide pacer on the system clock, started on first use.</summary>
    public static MediaPacer Shared => SharedPacer.Value;

    /// <summary>Raised (on the pacer thread) when a stream's tick threw; that stream is unregistered.</summary>
    internal event EventHandler<PacedStreamFaultEventArgs>? StreamFaulted;

    public int StreamCount
    {
        get
        {
            var count = 0;
            for (var i = 0; i < _slots.Length; i++)
            {
                count += Volatile.Read(ref _slots[i]).Length;
            }

            return count;
        }
    }

    /// <summary>
    /// Optional probe, called on the pacer thread after each slot that has streams, with (lateness of its start
    /// against the slot's own offset on the 20 ms grid, its duration): every packet of the slot leaves within
    /// lateness + duration of its ideal send time. For the node's pacing-lateness metric and load drivers.
    /// </summary>
    public Action<TimeSpan, TimeSpan>? TickObserved { get; set; }

    /// <summary>Whole ticks run (every slot once).</summary>
    public long TicksRun => Interlocked.Read(ref _ticksRun);

    /// <summary>Overdue ticks dropped after stalls longer than the catch-up bound.</summary>
    public long TicksSkipped => Interlocked.Read(ref _ticksSkipped);

    public long StreamFaults => Interlocked.Read(ref _streamFaults);

    public bool IsRunning => _thread is not null;

    /// <summary>
    /// Adds a stream in the slot with the fewest streams (the first such slot), where it stays until removed;
    /// dispose the result (or call <see cref="Unregister"/>) to remove it.
    /// </summary>
    internal IDisposable Register(IPacedStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        lock (_registrationGate)
        {
            var slot = 0;
            for (var i = 1; i < _slots.Length; i++)
            {
                if (_slots[i].Length < _slots[slot].Length)
                {
                    slot = i;
                }
            }

            Volatile.Write(ref _slots[slot], [.. _slots[slot], stream]);
        }

        return new Registration(this, stream);
    }

    /// <summary>The slot a registered stream sends in (0 = first after the tick's start), or -1.</summary>
    internal int SlotOf(IPacedStream stream)
    {
        lock (_registrationGate)
        {
            for (var i = 0; i < _slots.Length; i++)
            {
                if (Array.IndexOf(_slots[i], stream) >= 0)
                {
                    return i;
                }
            }

            return -1;
        }
    }

    internal bool Unregister(IPacedStream stream)
    {
        lock (_registrationGate)
        {
            for (var slot = 0; slot < _slots.Length; slot++)
            {
                var streams = _slots[slot];
                var index = Array.IndexOf(streams, stream);
                if (index < 0)
                {
                    continue;
                }

                var next = new IPacedStream[streams.Length - 1];
                Array.Copy(streams, 0, next, 0, index);
                Array.Copy(streams, index + 1, next, index, next.Length - index);
                Volatile.Write(ref _slots[slot], next);
                return true;
            }

            return false;
        }
    }

    /// <summary>
    /// Runs every slot that is due by now, at most <see cref="MediaPacerOptions.MaxCatchUpTicks"/> ticks of them;
    /// older overdue ticks are skipped whole (every stream skips the same count) and counted. Slot k of tick n is due
    /// at ((n - 1) × slots + k + 1) slot lengths after the start, so the last slot of tick n is due at n × 20 ms.
    /// Returns the number of ticks completed (a tick completes with its last slot). Call from one thread.
    /// </summary>
    public int RunDueTicks()
    {
        var elapsed = _timeProvider.GetElapsedTime(_origin);
        var due = (elapsed.Ticks / _slotTicks) - _slotsAccounted;
        var bound = (long)_options.MaxCatchUpTicks * _slots.Length;
        if (due > bound)
        {
            var skipped = (due - bound) / _slots.Length;
            if (skipped > 0)
            {
                Interlocked.Add(ref _ticksSkipped, skipped);
                _slotsAccounted += skipped * _slots.Length;
                due -= skipped * _slots.Length;
                NotifySkipped(skipped);
            }
        }

        var completed = 0;
        for (var i = 0; i < due; i++)
        {
            var slot = (int)(_slotsAccounted % _slots.Length);
            _slotsAccounted++;
            var streams = Volatile.Read(ref _slots[slot]);
            var observer = TickObserved;
            if (observer is null || streams.Length == 0)
            {
                RunSlot(streams);
            }
            else
            {
                // Lateness: how long after its due instant the slot started; its last stream sends that plus the duration late.
                var started = _timeProvider.GetElapsedTime(_origin);
                RunSlot(streams);
                var finished = _timeProvider.GetElapsedTime(_origin);
                observer(started - TimeSpan.FromTicks(_slotsAccounted * _slotTicks), finished - started);
            }

            if (slot == _slots.Length - 1)
            {
                Interlocked.Increment(ref _ticksRun);
                completed++;
            }
        }

        return completed;
    }

    /// <summary>Time from now until the next slot falls due (zero when one is overdue).</summary>
    public TimeSpan TimeUntilNextTick()
    {
        var next = TimeSpan.FromTicks((_slotsAccounted + 1) * _slotTicks);
        var remaining = next - _timeProvider.GetElapsedTime(_origin);
        return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
    }

    /// <summary>Starts the dedicated pacing thread (idempotent).</summary>
    public void Start()
    {
        lock (_registrationGate)
        {
            ObjectDisposedException.ThrowIf(_stopSignal.IsSet, this);
            if (_thread is not null)
            {
                return;
            }

            _thread = new Thread(Run) { IsBackground = true, Name = "media-pacer", Priority = ThreadPriority.AboveNormal };
            _thread.Start();
        }
    }

    public void Dispose()
    {
        Thread? thread;
        lock (_registrationGate)
        {
            if (_stopSignal.IsSet)
            {
                return;
            }

            _stopSignal.Set();
            thread = _thread;
        }

        if (thread is not null && thread != Thread.CurrentThread)
        {
            thread.Join();
        }

        _stopSignal.Dispose();
    }

    private void Run()
    {
        while (true)
        {
            RunDueTicks();

            // Timed waits resolve whole milliseconds: rounding down would spin through the last fraction of one before
            // every slot; rounding up starts a slot at most ~1 ms late, inside its 2 ms.
            var wait = (int)Math.Ceiling(TimeUntilNextTick().TotalMilliseconds);
            if (_stopSignal.Wait(wait))
            {
                return;
            }
        }
    }

    private void NotifySkipped(long skipped)
    {
        for (var i = 0; i < _slots.Length; i++)
        {
            foreach (var stream in Volatile.Read(ref _slots[i]))
            {
                stream.OnTicksSkipped(skipped);
            }
        }
    }

    private void RunSlot(IPacedStream[] streams)
    {
        foreach (var stream in streams)
        {
            try
            {
                stream.OnTick();
            }
#pragma warning disable CA1031 // One faulty stream must not stop the audio of every other call on this thread.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Interlocked.Increment(ref _streamFaults);
                Unregister(stream);
                StreamFaulted?.Invoke(this, new PacedStreamFaultEventArgs(stream, ex));
            }
        }
    }

    private sealed class Registration(MediaPacer pacer, IPacedStream stream) : IDisposable
    {
        public void Dispose() => pacer.Unregister(stream);
    }
}
