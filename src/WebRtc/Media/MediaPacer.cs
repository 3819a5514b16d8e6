namespace Serverless.WebRtc.Media;

/// <summary>
/// One pacing thread for every audio stream of the process (a thread or timer per call does not scale:
/// anchors.md B2). Streams register; each tick calls every registered stream's <see cref="IPacedStream.OnTick"/>.
/// The schedule is computed from <see cref="TimeProvider"/>: <see cref="RunDueTicks"/> holds all tick logic and
/// tests drive it with a fake clock; <see cref="Start"/> merely runs it on a dedicated thread.
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
    private readonly long _origin;
    private readonly Lock _registrationGate = new();
    private readonly ManualResetEventSlim _stopSignal = new();
    private IPacedStream[] _streams = [];
    private long _ticksAccounted;
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
        _origin = timeProvider.GetTimestamp();
    }

    /// <summary>The process-wide pacer on the system clock, started on first use.</summary>
    public static MediaPacer Shared => SharedPacer.Value;

    /// <summary>Raised (on the pacer thread) when a stream's tick threw; that stream is unregistered.</summary>
    internal event EventHandler<PacedStreamFaultEventArgs>? StreamFaulted;

    public int StreamCount => Volatile.Read(ref _streams).Length;

    /// <summary>
    /// Optional probe, called on the pacer thread after each tick with (lateness of its start, its duration): the send
    /// time of every packet of the tick lies within lateness + duration of its ideal 20 ms grid point. For load drivers.
    /// </summary>
    public Action<TimeSpan, TimeSpan>? TickObserved { get; set; }

    public long TicksRun => Interlocked.Read(ref _ticksRun);

    /// <summary>Overdue ticks dropped after stalls longer than the catch-up bound.</summary>
    public long TicksSkipped => Interlocked.Read(ref _ticksSkipped);

    public long StreamFaults => Interlocked.Read(ref _streamFaults);

    public bool IsRunning => _thread is not null;

    /// <summary>Adds a stream; dispose the result (or call <see cref="Unregister"/>) to remove it.</summary>
    internal IDisposable Register(IPacedStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        lock (_registrationGate)
        {
            // Copy-on-write: ticks read the array without a lock and without allocating.
            _streams = [.. _streams, stream];
        }

        return new Registration(this, stream);
    }

    internal bool Unregister(IPacedStream stream)
    {
        lock (_registrationGate)
        {
            var index = Array.IndexOf(_streams, stream);
            if (index < 0)
            {
                return false;
            }

            var next = new IPacedStream[_streams.Length - 1];
            Array.Copy(_streams, 0, next, 0, index);
            Array.Copy(_streams, index + 1, next, index, next.Length - index);
            _streams = next;
            return true;
        }
    }

    /// <summary>
    /// Runs every tick that is due by now, at most <see cref="MediaPacerOptions.MaxCatchUpTicks"/> of them;
    /// older overdue ticks are skipped and counted. Returns the number of ticks run. Call from one thread.
    /// </summary>
    public int RunDueTicks()
    {
        var elapsed = _timeProvider.GetElapsedTime(_origin);
        var dueTotal = elapsed.Ticks / _options.Interval.Ticks;
        var due = dueTotal - _ticksAccounted;
        if (due > _options.MaxCatchUpTicks)
        {
            var skipped = due - _options.MaxCatchUpTicks;
            Interlocked.Add(ref _ticksSkipped, skipped);
            _ticksAccounted += skipped;
            due = _options.MaxCatchUpTicks;
            NotifySkipped(skipped);
        }

        for (var i = 0; i < due; i++)
        {
            _ticksAccounted++;
            var observer = TickObserved;
            if (observer is null)
            {
                RunTick();
                continue;
            }

            // Lateness: how long after its due instant the tick started; the last stream sends that plus the duration late.
            var started = _timeProvider.GetElapsedTime(_origin);
            RunTick();
            var finished = _timeProvider.GetElapsedTime(_origin);
            observer(started - TimeSpan.FromTicks(_ticksAccounted * _options.Interval.Ticks), finished - started);
        }

        return (int)Math.Max(due, 0);
    }

    /// <summary>Time from now until the next tick falls due (zero when one is overdue).</summary>
    public TimeSpan TimeUntilNextTick()
    {
        var next = TimeSpan.FromTicks((_ticksAccounted + 1) * _options.Interval.Ticks);
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
            if (_stopSignal.Wait(TimeUntilNextTick()))
            {
                return;
            }
        }
    }

    private void NotifySkipped(long skipped)
    {
        foreach (var stream in Volatile.Read(ref _streams))
        {
            stream.OnTicksSkipped(skipped);
        }
    }

    private void RunTick()
    {
        var streams = Volatile.Read(ref _streams);
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

        Interlocked.Increment(ref _ticksRun);
    }

    private sealed class Registration(MediaPacer pacer, IPacedStream stream) : IDisposable
    {
        public void Dispose() => pacer.Unregister(stream);
    }
}
