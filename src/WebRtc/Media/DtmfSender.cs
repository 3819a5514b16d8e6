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

    private readonly ConcurrentQueue<byte> _pending = new();
    private readonly int _toneFrames;
    private readonly int _gapFrames;
    private readonly int _durationPerFrame;
    private readonly byte _volume;
    private byte _eventCode;
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

    public void Enqueue(byte eventCode) => _pending.Enqueue(eventCode);

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

            if (!_pending.TryDequeue(out _eventCode))
            {
                return false;
            }

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
        }

        return true;
    }

    private static int FramesFor(TimeSpan duration, int minimum) =>
        Math.Max(minimum, (int)Math.Ceiling(duration / OpusCodec.FrameDuration));
}
