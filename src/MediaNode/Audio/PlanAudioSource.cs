using Serverless.WebRtc.Media;

namespace Serverless.MediaNode.Audio;

/// <summary>
/// What a call sends, one 20 ms frame per pacer tick: the frames of the clip being played (prompt or tone),
/// nothing during a pause (the peer then sends its silence frame), or the caller's own packets during an
/// echo. Timed steps count pacer ticks, so they last exactly their media time. The pacer thread reads,
/// the plan task starts clips and the receive thread feeds the echo; one lock orders them.
/// </summary>
internal sealed class PlanAudioSource : IAudioSource
{
    private const int EchoSlots = 5; // at most 100 ms queued: echo must not drift behind the caller

    private readonly Lock _gate = new();
    private Clip? _clip;
    private byte[][]? _echoSlots;
    private readonly int[] _echoLengths = new int[EchoSlots];
    private int _echoHead;
    private int _echoCount;

    private volatile bool _echoing;

    /// <summary>True while an echo step wants the caller's packets (read lock-free by the receive thread).</summary>
    public bool Echoing => _echoing;

    public bool TryReadFrame(Span<byte> destination, out int written)
    {
        written = 0;
        TaskCompletionSource? done = null;
        var hasFrame = false;
        lock (_gate)
        {
            if (_clip is not { } clip)
            {
                return false;
            }

            if (clip.Frames is { } frames)
            {
                var frame = frames[clip.Next++].Span;
                frame.CopyTo(destination);
                written = frame.Length;
                hasFrame = true;
                if (clip.Next >= frames.Length)
                {
                    done = Finish();
                }
            }
            else
            {
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
            }
        }

        done?.TrySetResult();
        return hasFrame;
    }

    /// <summary>Plays frames to their end.</summary>
    public Task PlayAsync(ReadOnlyMemory<byte>[] frames, CancellationToken cancellationToken) =>
        frames.Length == 0 ? Task.CompletedTask : Start(new Clip { Frames = frames }, echo: false, cancellationToken);

    /// <summary>Sends nothing (the peer's silence) for a number of ticks.</summary>
    public Task PauseAsync(int ticks, CancellationToken cancellationToken) =>
        Start(new Clip { TicksLeft = Math.Max(1, ticks) }, echo: false, cancellationToken);

    /// <summary>Sends the caller's packets back for a number of ticks.</summary>
    public Task EchoAsync(int ticks, CancellationToken cancellationToken) =>
        Start(new Clip { TicksLeft = Math.Max(1, ticks) }, echo: true, cancellationToken);

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

    /// <summary>Ends whatever plays now (its task is cancelled).</summary>
    public void Stop()
    {
        TaskCompletionSource? done;
        lock (_gate)
        {
            done = Finish();
        }

        done?.TrySetCanceled();
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
        public ReadOnlyMemory<byte>[]? Frames { get; init; }

        public int Next { get; set; }

        public int TicksLeft { get; set; }

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
