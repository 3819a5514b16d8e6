using Serverless.WebRtc.Media;

namespace Serverless.MediaNode.Audio;

/// <summary>
/// What a call sends, one 20 ms frame per pacer tick: the frames of the clip being played (prompt or tone),
/// nothing during a pause (the peer then sends its silence frame), or the caller's own packets during an
/// echo. Timed steps count pacer ticks, so they last exactly their media time. A mid-call play is an overlay:
/// while it lasts the plan's clip is held where it is (not advanced, not cut) and resumes after it. The pacer
/// thread reads, the plan and play tasks start clips and the receive thread feeds the echo; one lock orders them.
/// </summary>
internal sealed class PlanAudioSource : IAudioSource
{
    private const int EchoSlots = 5; // at most 100 ms queued: echo must not drift behind the caller

    private readonly Lock _gate = new();
    private Clip? _clip;
    private Clip? _overlay;
    private byte[][]? _echoSlots;
    private readonly int[] _echoLengths = new int[EchoSlots];
    private int _echoHead;
    private int _echoCount;

    private volatile bool _echoing;

    /// <summary>True while an echo step wants the caller's packets (read lock-free by the receive thread).</summary>
    public bool Echoing => _echoing;

    public bool TryReadFrame(Span<byte> destination, out int written)
    {
        TaskCompletionSource? done;
        bool hasFrame;
        lock (_gate)
        {
            if (_overlay is { } overlay)
            {
                hasFrame = ReadOverlay(overlay, destination, out written, out done);
            }
            else if (_clip is not { } clip)
            {
                written = 0;
                return false;
            }
            else
            {
                hasFrame = ReadPlan(clip, destination, out written, out done);
            }
        }

        done?.TrySetResult();
        return hasFrame;
    }

    // Caller holds the lock.
    private bool ReadOverlay(Clip overlay, Span<byte> destination, out int written, out TaskCompletionSource? done)
    {
        written = 0;
        done = null;
        if (overlay.Frames is { } frames)
        {
            if (!frames.TryGet(overlay.Next, out var encoded))
            {
                return false; // not encoded yet (a loaded node): this tick is silence, the clip is not cut
            }

            overlay.Next++;
            var frame = encoded.Span;
            frame.CopyTo(destination);
            written = frame.Length;
            if (overlay.Next >= frames.Length)
            {
                done = FinishOverlay();
            }

            return true;
        }

        if (--overlay.TicksLeft <= 0)
        {
            done = FinishOverlay();
        }

        return false;
    }

    // Caller holds the lock.
    private bool ReadPlan(Clip clip, Span<byte> destination, out int written, out TaskCompletionSource? done)
    {
        written = 0;
        done = null;
        if (clip.Live is { } live)
        {
            return live.TryReadFrame(destination, out written); // until the stream step cancels it
        }

        if (clip.Frames is { } frames)
        {
            if (!frames.TryGet(clip.Next, out var encoded))
            {
                return false; // not encoded yet (a loaded node): this tick is silence, the clip is not cut
            }

            clip.Next++;
            var frame = encoded.Span;
            frame.CopyTo(destination);
            written = frame.Length;
            if (clip.Next >= frames.Length)
            {
                done = Finish();
            }

            return true;
        }

        var hasFrame = false;
        if (Echoing && _echoCount > 0)
        {
            _echoSlots![_echoHead].AsSpan(0, _echoLengths[_echoHead]).CopyTo(destination);
            written = _echoLengths[_echoHead];
            _echoHead = (_echoHead + 1) % EchoSlots;
            _echoCount--;
            hasFrame = true;
        }

        if (--clip.TicksLeft <= 0)
        {
            done = Finish();
        }

        return hasFrame;
    }

    /// <summary>Plays frames to their end.</summary>
    public Task PlayAsync(EncodedClip frames, CancellationToken cancellationToken) =>
        frames.Length == 0 ? Task.CompletedTask : Start(new Clip { Frames = frames }, echo: false, cancellationToken);

    /// <summary>Sends nothing (the peer's silence) for a number of ticks.</summary>
    public Task PauseAsync(int ticks, CancellationToken cancellationToken) =>
        Start(new Clip { TicksLeft = Math.Max(1, ticks) }, echo: false, cancellationToken);

    /// <summary>Sends the caller's packets back for a number of ticks.</summary>
    public Task EchoAsync(int ticks, CancellationToken cancellationToken) =>
        Start(new Clip { TicksLeft = Math.Max(1, ticks) }, echo: true, cancellationToken);

    /// <summary>Plays a live source (a stream step's agent audio) until <paramref name="cancellationToken"/> ends it.</summary>
    public Task LiveAsync(IAudioSource live, CancellationToken cancellationToken) =>
        Start(new Clip { Live = live, TicksLeft = int.MaxValue }, echo: false, cancellationToken);

    /// <summary>Plays frames over the plan: its clip is held until these end.</summary>
    public Task PlayOverAsync(EncodedClip frames, CancellationToken cancellationToken) =>
        frames.Length == 0 ? Task.CompletedTask : StartOverlay(new Clip { Frames = frames }, cancellationToken);

    /// <summary>Sends nothing for a number of ticks over the plan: its clip is held meanwhile.</summary>
    public Task PauseOverAsync(int ticks, CancellationToken cancellationToken) =>
        StartOverlay(new Clip { TicksLeft = Math.Max(1, ticks) }, cancellationToken);

    /// <summary>Receive thread: keeps a copy of a caller packet for the echo (the oldest goes when full).</summary>
    public void OfferEcho(ReadOnlySpan<byte> packet)
    {
        if (packet.Length is 0 or > OpusCodec.MaxPacketBytes)
        {
            return;
        }

        lock (_gate)
        {
            if (!Echoing || _echoSlots is null)
            {
                return;
            }

            if (_echoCount == EchoSlots)
            {
                _echoHead = (_echoHead + 1) % EchoSlots;
                _echoCount--;
            }

            var tail = (_echoHead + _echoCount) % EchoSlots;
            packet.CopyTo(_echoSlots[tail]);
            _echoLengths[tail] = packet.Length;
            _echoCount++;
        }
    }

    /// <summary>Ends whatever plays now, plan clip and overlay (their tasks are cancelled).</summary>
    public void Stop()
    {
        TaskCompletionSource? done;
        TaskCompletionSource? overlay;
        lock (_gate)
        {
            done = Finish();
            overlay = FinishOverlay();
        }

        done?.TrySetCanceled();
        overlay?.TrySetCanceled();
    }

    private Task StartOverlay(Clip clip, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        TaskCompletionSource? previous;
        lock (_gate)
        {
            previous = FinishOverlay();
            _overlay = clip;
        }

        previous?.TrySetCanceled(CancellationToken.None);
        var registration = cancellationToken.Register(static state =>
        {
            var (source, clip) = ((PlanAudioSource, Clip))state!;
            TaskCompletionSource? done = null;
            lock (source._gate)
            {
                if (ReferenceEquals(source._overlay, clip))
                {
                    done = source.FinishOverlay();
                }
            }

            done?.TrySetCanceled();
        }, (this, clip));
        return AwaitClip(clip.Done.Task, registration);
    }

    private Task Start(Clip clip, bool echo, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        TaskCompletionSource? previous;
        lock (_gate)
        {
            previous = Finish();
            _clip = clip;
            _echoing = echo;
            if (echo)
            {
                _echoSlots ??= CreateSlots();
                _echoCount = 0;
            }
        }

        previous?.TrySetCanceled(CancellationToken.None); // replaced by a newer clip, not by the caller's token
        var registration = cancellationToken.Register(static state =>
        {
            var (source, clip) = ((PlanAudioSource, Clip))state!;
            TaskCompletionSource? done = null;
            lock (source._gate)
            {
                if (ReferenceEquals(source._clip, clip))
                {
                    done = source.Finish();
                }
            }

            done?.TrySetCanceled();
        }, (this, clip));
        return AwaitClip(clip.Done.Task, registration);
    }

    private static async Task AwaitClip(Task done, CancellationTokenRegistration registration)
    {
        await using (registration)
        {
            await done;
        }
    }

    // Caller holds the lock.
    private TaskCompletionSource? Finish()
    {
        var done = _clip?.Done;
        _clip = null;
        _echoing = false;
        _echoCount = 0;
        return done;
    }

    // Caller holds the lock.
    private TaskCompletionSource? FinishOverlay()
    {
        var done = _overlay?.Done;
        _overlay = null;
        return done;
    }

    private static byte[][] CreateSlots()
    {
        var slots = new byte[EchoSlots][];
        for (var i = 0; i < slots.Length; i++)
        {
            slots[i] = new byte[OpusCodec.MaxPacketBytes];
        }

        return slots;
    }

    private sealed class Clip
    {
        public EncodedClip? Frames { get; init; }

        public IAudioSource? Live { get; init; }

        public int Next { get; set; }

        public int TicksLeft { get; set; }

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
