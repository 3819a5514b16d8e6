namespace Serverless.WebRtc.Media;

/// <summary>
/// Reorders received Opus packets and plays them out one 20 ms slot per read. Slots are keyed by RTP
/// timestamp (not sequence number, so telephone-event packets sharing the sequence space leave no holes of
/// their own), in a fixed ring: memory is bounded and inserting never allocates. Packets for slots already
/// played are dropped as too late; a missing slot is reported so the decoder conceals it. When packets keep
/// arriving too late the playout delay grows one frame at a time, up to <see cref="JitterBufferOptions.MaxDelay"/>.
/// Not thread-safe: the owner serialises inserts and reads.
/// </summary>
internal sealed class JitterBuffer
{
    private const int LateEventsPerDelayStep = 3;

    // Slot numbers can be negative (packets reordered before the first one), so "empty" is out of range.
    private const long EmptySlot = long.MinValue;

    private readonly byte[][] _payloads;
    private readonly int[] _lengths;
    private readonly long[] _slotOf;
    private readonly int _maxFrames;
    private readonly TimestampUnwrapper _unwrapper = new();
    private int _targetFrames;
    private bool _started;
    private bool _playing;
    private bool _playedAny;
    private long _baseTimestamp;
    private long _nextSlot;
    private long _highestSlot;
    private int _lateSinceStep;
    private int _stretchPending;

    public JitterBuffer(JitterBufferOptions? options = null)
    {
        options ??= new JitterBufferOptions();
        _targetFrames = options.TargetFrames;
        _maxFrames = options.MaxFrames;

        // Room for the deepest delay plus the slot being played and one arriving early.
        var capacity = _maxFrames + 2;
        _payloads = new byte[capacity][];
        _lengths = new int[capacity];
        _slotOf = new long[capacity];
        for (var i = 0; i < capacity; i++)
        {
            _payloads[i] = new byte[OpusCodec.MaxPacketBytes];
            _slotOf[i] = EmptySlot;
        }
    }

    /// <summary>Frames inserted (concealed) to grow the playout delay.</summary>
    public long Stretches { get; private set; }

    /// <summary>Current playout delay in frames (starts at the target; adaptive up to the maximum).</summary>
    public int DelayFrames => _targetFrames;

    public int Capacity => _payloads.Length;

    /// <summary>Slots between the playout position and the newest packet, inclusive (0 before any).</summary>
    public int BufferedSpan => _started ? (int)Math.Max(0, _highestSlot - _nextSlot + 1) : 0;

    public long PacketsStored { get; private set; }

    public long Duplicates { get; private set; }

    public long TooLate { get; private set; }

    /// <summary>Buffered packets discarded unplayed because a packet far ahead forced the window forward.</summary>
    public long Overflowed { get; private set; }

    public JitterBufferInsertResult Insert(uint timestamp, ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty || payload.Length > OpusCodec.MaxPacketBytes)
        {
            return JitterBufferInsertResult.Invalid;
        }

        var unwrapped = _unwrapper.Unwrap(timestamp);
        if (!_started)
        {
            _started = true;
            _baseTimestamp = unwrapped;
            _nextSlot = 0;
            _highestSlot = 0;
        }

        var slot = SlotOf(unwrapped);
        if (slot < _nextSlot)
        {
            // Before the first playout, a reordered early packet simply moves the start back.
            if (!_playedAny && slot > _highestSlot - Capacity + 1)
            {
                _nextSlot = slot;
            }
            else
            {
                TooLate++;
                NoteLate();
                return JitterBufferInsertResult.TooLate;
            }
        }

        if (slot >= _nextSlot + Capacity)
        {
            // A jump beyond the window (sender paused, or restarted its clock): drop what is left and
            // buffer afresh from this packet rather than conceal a window's worth of phantom losses.
            AdvanceWindowTo(slot);
            _playing = false;
        }

        var index = IndexOf(slot);
        if (_slotOf[index] == slot)
        {
            Duplicates++;
            return JitterBufferInsertResult.Duplicate;
        }

        payload.CopyTo(_payloads[index]);
        _lengths[index] = payload.Length;
        _slotOf[index] = slot;
        _highestSlot = Math.Max(_highestSlot, slot);
        PacketsStored++;
        return JitterBufferInsertResult.Stored;
    }

    /// <summary>Takes the next 20 ms slot; see <see cref="JitterFrameKind"/>.</summary>
    public JitterFrame Read()
    {
        if (!_started)
        {
            return default;
        }

        if (!_playing)
        {
            if (_highestSlot - _nextSlot + 1 < _targetFrames)
            {
                return default;
            }

            _playing = true;
        }

        if (_stretchPending > 0 && _highestSlot - _nextSlot + 1 < _targetFrames)
        {
            // The delay grew: hold the playout position one frame (the decoder conceals it).
            _stretchPending--;
            Stretches++;
            return new JitterFrame { Kind = JitterFrameKind.Stretch };
        }

        if (_nextSlot > _highestSlot)
        {
            // Ran dry: buffer the target delay again before resuming.
            _playing = false;
            return default;
        }

        var slot = _nextSlot++;
        _playedAny = true;
        var timestamp = unchecked((uint)(_baseTimestamp + (slot * OpusCodec.FrameSamples)));
        var index = IndexOf(slot);
        if (_slotOf[index] == slot)
        {
            _slotOf[index] = EmptySlot;
            return new JitterFrame { Kind = JitterFrameKind.Packet, Timestamp = timestamp, Payload = _payloads[index].AsSpan(0, _lengths[index]) };
        }

        var nextIndex = IndexOf(slot + 1);
        var next = _slotOf[nextIndex] == slot + 1 ? _payloads[nextIndex].AsSpan(0, _lengths[nextIndex]) : default;
        return new JitterFrame { Kind = JitterFrameKind.Missing, Timestamp = timestamp, Next = next };
    }

    private long SlotOf(long unwrappedTimestamp)
    {
        // Round to the nearest 20 ms slot so a sender with a slightly odd timestamp origin still lines up.
        var offset = unwrappedTimestamp - _baseTimestamp;
        return (long)Math.Round(offset / (double)OpusCodec.FrameSamples, MidpointRounding.AwayFromZero);
    }

    private int IndexOf(long slot) => (int)(((slot % Capacity) + Capacity) % Capacity);

    // One pass over the ring, not over the skipped slots: a hostile jump of 2^31 timestamps would otherwise
    // cost millions of iterations on the receive thread.
    private void AdvanceWindowTo(long newNext)
    {
        for (var index = 0; index < _slotOf.Length; index++)
        {
            if (_slotOf[index] != EmptySlot && _slotOf[index] < newNext)
            {
                _slotOf[index] = EmptySlot;
                Overflowed++;
            }
        }

        _nextSlot = newNext;
    }

    private void NoteLate()
    {
        // Repeated late arrivals mean the network jitter exceeds the delay: add a frame (bounded).
        if (++_lateSinceStep >= LateEventsPerDelayStep && _targetFrames < _maxFrames)
        {
            _targetFrames++;
            _stretchPending++;
            _lateSinceStep = 0;
        }
    }
}
