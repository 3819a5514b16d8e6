using System.Collections.Concurrent;
using Serverless.WebRtc.Rtp;

namespace Serverless.WebRtc.Media;

/// <summary>
/// RFC 4733 §2.5.1 sender state: one event at a time; every 20 ms an update carrying the SAME RTP timestamp
/// (the event start) and a growing duration, the first with the marker bit (§2.5.1.1); at the end three
/// packets with the E bit and the final duration (§2.5.1.4); then a gap of audio before the next digit.
/// </summary>
internal sealed class DtmfSender
{
    private const int EndPacketRepeats = 3;

    private readonly ConcurrentQueue<(byte Code, TaskCompletionSource? Done)> _pending = new();
    private readonly int _toneFrames;
    private readonly int _gapFrames;
    private readonly int _durationPerFrame;
    private readonly byte _volume;
    private byte _eventCode;
    private TaskCompletionSource? _eventDone;
    private TaskCompletionSource? _sentDone;
    private uint _eventTimestamp;
    private int _elapsedFrames;
    private int _gapRemaining;
    private bool _active;

    public DtmfSender(AudioSendStreamOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.TelephoneEventClockRate, 1000);
        _toneFrames = FramesFor(options.DtmfToneDuration, minimum: 2);
        _gapFrames = FramesFor(options.DtmfGap, minimum: 1);
        _durationPerFrame = options.TelephoneEventClockRate / 50; // 20 ms in event clock units
        _volume = options.DtmfVolume;
    }

    public int PendingCount => _pending.Count + (_active ? 1 : 0);

    /// <summary>Queues a digit; <paramref name="done"/> completes once its end packets were sent.</summary>
    public void Enqueue(byte eventCode, TaskCompletionSource? done = null) => _pending.Enqueue((eventCode, done));

    /// <summary>The caller sent the end packets of the digit that just ended.</summary>
    public void EndPacketsSent() => Interlocked.Exchange(ref _sentDone, null)?.TrySetResult();

    /// <summary>The stream stopped: digits not yet sent never will be.</summary>
    public void CancelPending()
    {
        while (_pending.TryDequeue(out var pending))
        {
            pending.Done?.TrySetCanceled();
        }

        Volatile.Read(ref _eventDone)?.TrySetCanceled();
    }

    /// <summary>
    /// Called once per tick. True when this tick belongs to DTMF: <paramref name="events"/> then holds the
    /// event to send and <paramref name="repeats"/> how many copies (1 for updates, 3 for the end).
    /// </summary>
    public bool TryNextTick(uint audioTimestamp, out TelephoneEvent telephoneEvent, out uint timestamp, out bool marker, out int repeats)
    {
        telephoneEvent = default;
        timestamp = 0;
        marker = false;
        repeats = 0;
        if (!_active)
        {
            if (_gapRemaining > 0)
            {
                _gapRemaining--;
                return false;
            }

            if (!_pending.TryDequeue(out var next))
            {
                return false;
            }

            (_eventCode, var done) = next;
            Volatile.Write(ref _eventDone, done);

            _active = true;
            _eventTimestamp = audioTimestamp;
            _elapsedFrames = 0;
        }

        _elapsedFrames++;
        var isEnd = _elapsedFrames >= _toneFrames;
        telephoneEvent = new TelephoneEvent
        {
            EventCode = _eventCode,
            IsEnd = isEnd,
            Volume = _volume,
            Duration = (ushort)Math.Min(_elapsedFrames * _durationPerFrame, ushort.MaxValue),
        };
        timestamp = _eventTimestamp;
        marker = _elapsedFrames == 1;
        repeats = isEnd ? EndPacketRepeats : 1;
        if (isEnd)
        {
            _active = false;
            _gapRemaining = _gapFrames;
            _sentDone = Interlocked.Exchange(ref _eventDone, null); // completed by EndPacketsSent, once they are out
        }

        return true;
    }

    private static int FramesFor(TimeSpan duration, int minimum) =>
        Math.Max(minimum, (int)Math.Ceiling(duration / OpusCodec.FrameDuration));
}
