using Serverless.WebRtc.Rtcp;

namespace Serverless.WebRtc.Media;

/// <summary>
/// Reception statistics for one remote SSRC, computed as RFC 3550 Appendix A prescribes: sequence validation
/// and extended highest sequence (A.1), expected/lost/fraction lost (A.3) and interarrival jitter (A.8).
/// <see cref="PacketsReceived"/> counts duplicates too, exactly as A.3 does, so cumulative loss can dip
/// below zero with duplication. Not thread-safe: the receive path owns it; read the snapshot via the owner.
/// </summary>
internal sealed class ReceiveStatistics
{
    private const int SequenceModulo = 1 << 16;
    private const int MaxDropout = 3000;
    private const int MaxMisorder = 100;
    private const int HistorySize = 512;

    private readonly int _clockRate;
    private readonly long[] _seen = new long[HistorySize];
    private bool _started;
    private ushort _maxSequence;
    private long _cycles;
    private long _baseSequence;
    private int _badSequence = SequenceModulo + 1;
    private long _expectedPrior;
    private long _receivedPrior;
    private bool _haveTransit;
    private uint _transit;
    private double _jitter;

    public ReceiveStatistics(int clockRate = OpusCodec.SampleRate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(clockRate, 1);
        _clockRate = clockRate;
        Array.Fill(_seen, -1);
    }

    public int ClockRate => _clockRate;

    /// <summary>Cycles × 2^16 + highest sequence number received (A.1, the report block field).</summary>
    public long ExtendedHighestSequence => _cycles + _maxSequence;

    /// <summary>Packets expected: extended highest − base + 1 (A.3); 0 before any packet.</summary>
    public long PacketsExpected => _started ? ExtendedHighestSequence - _baseSequence + 1 : 0;

    /// <summary>Packets counted as received (A.1: includes late and duplicate ones).</summary>
    public long PacketsReceived { get; private set; }

    /// <summary>Payload octets of counted packets.</summary>
    public long PayloadBytesReceived { get; private set; }

    /// <summary>Expected − received (A.3); negative with duplicates.</summary>
    public long CumulativeLost => PacketsExpected - PacketsReceived;

    public long Duplicates { get; private set; }

    public long Reordered { get; private set; }

    public long Discarded { get; private set; }

    /// <summary>Interarrival jitter estimate in timestamp units (A.8).</summary>
    public double Jitter => _jitter;

    public double JitterMilliseconds => _jitter * 1000.0 / _clockRate;

    /// <summary>Fraction lost (8-bit fixed point, A.3) of the last completed report interval.</summary>
    public byte LastFractionLost { get; private set; }

    /// <summary>
    /// Accounts one packet. <paramref name="arrivalTime"/> is a monotonic receive time; pass
    /// <paramref name="updateJitter"/> false for packets whose timestamp is not a sampling instant (RFC 4733
    /// events repeat their start timestamp and would read as jitter).
    /// </summary>
    public ReceivedPacketOrder OnPacket(ushort sequenceNumber, uint rtpTimestamp, TimeSpan arrivalTime, int payloadBytes, bool updateJitter = true)
    {
        if (!_started)
        {
            Restart(sequenceNumber);
        }

        var order = UpdateSequence(sequenceNumber, out var extended);
        if (order == ReceivedPacketOrder.Discarded)
        {
            Discarded++;
            return order;
        }

        PacketsReceived++;
        PayloadBytesReceived += payloadBytes;
        var slot = (int)(extended & (HistorySize - 1));
        if (_seen[slot] == extended)
        {
            Duplicates++;
            return ReceivedPacketOrder.Duplicate;
        }

        _seen[slot] = extended;
        if (order == ReceivedPacketOrder.Reordered)
        {
            Reordered++;
        }

        if (updateJitter)
        {
            UpdateJitter(rtpTimestamp, arrivalTime);
        }

        return order;
    }

    /// <summary>
    /// Builds the report block for this source and closes the report interval (A.3: fraction lost covers
    /// the packets since the previous call).
    /// </summary>
    public ReportBlock CreateReportBlock(uint ssrc, uint lastSenderReport, uint delaySinceLastSenderReport)
    {
        var expected = PacketsExpected;
        var expectedInterval = expected - _expectedPrior;
        var receivedInterval = PacketsReceived - _receivedPrior;
        _expectedPrior = expected;
        _receivedPrior = PacketsReceived;
        var lostInterval = expectedInterval - receivedInterval;
        LastFractionLost = expectedInterval == 0 || lostInterval <= 0 ? (byte)0 : (byte)((lostInterval << 8) / expectedInterval);

        return new ReportBlock
        {
            Ssrc = ssrc,
            FractionLost = LastFractionLost,
            CumulativeLost = ReportBlock.ClampCumulativeLost(CumulativeLost),
            ExtendedHighestSequence = unchecked((uint)ExtendedHighestSequence),
            Jitter = (uint)_jitter,
            LastSenderReport = lastSenderReport,
            DelaySinceLastSenderReport = delaySinceLastSenderReport,
        };
    }

    private void Restart(ushort sequenceNumber)
    {
        _started = true;
        _baseSequence = sequenceNumber;
        _maxSequence = sequenceNumber;
        _badSequence = SequenceModulo + 1;
        _cycles = 0;
        PacketsReceived = 0;
        _expectedPrior = 0;
        _receivedPrior = 0;
        Array.Fill(_seen, -1);
    }

    // RFC 3550 A.1 update_seq, without the probation stage (a WebRTC peer is already authenticated by SRTP).
    private ReceivedPacketOrder UpdateSequence(ushort sequenceNumber, out long extended)
    {
        var delta = (ushort)(sequenceNumber - _maxSequence);
        if (delta < MaxDropout)
        {
            if (sequenceNumber < _maxSequence)
            {
                _cycles += SequenceModulo; // wrapped
            }

            _maxSequence = sequenceNumber;
            extended = ExtendedHighestSequence;
            return ReceivedPacketOrder.InOrder; // a repeat of the highest is caught as a duplicate by the caller
        }

        if (delta <= SequenceModulo - MaxMisorder)
        {
            if (sequenceNumber != _badSequence)
            {
                _badSequence = (sequenceNumber + 1) & (SequenceModulo - 1);
                extended = -1;
                return ReceivedPacketOrder.Discarded;
            }

            // Two sequential packets after a big jump: the sender restarted; so do we (A.1).
            Restart(sequenceNumber);
            extended = ExtendedHighestSequence;
            return ReceivedPacketOrder.InOrder;
        }

        // Duplicate or reordered: it belongs to the current cycle, or the previous one when it is above max.
        extended = sequenceNumber > _maxSequence ? _cycles - SequenceModulo + sequenceNumber : _cycles + sequenceNumber;
        return ReceivedPacketOrder.Reordered;
    }

    // RFC 3550 A.8: J += (|D| - J) / 16, with D the change in relative transit time, in timestamp units.
    private void UpdateJitter(uint rtpTimestamp, TimeSpan arrivalTime)
    {
        var arrival = (arrivalTime.Ticks / TimeSpan.TicksPerSecond * _clockRate)
            + (arrivalTime.Ticks % TimeSpan.TicksPerSecond * _clockRate / TimeSpan.TicksPerSecond);
        var transit = unchecked((uint)arrival - rtpTimestamp);
        if (_haveTransit)
        {
            var d = Math.Abs((long)unchecked((int)(transit - _transit)));
            _jitter += (d - _jitter) / 16.0;
        }

        _transit = transit;
        _haveTransit = true;
    }
}
