using System.Text;
using Serverless.WebRtc.Rtcp;
using Serverless.WebRtc.Rtp;

namespace Serverless.WebRtc.Media;

/// <summary>
/// RTCP for one audio call (RFC 3550 §6.4): writes our compound report (an SR when we sent RTP since the
/// previous report, else an RR, always followed by SDES CNAME, §6.1), and reads the remote's reports: an SR's
/// NTP time is remembered for LSR/DLSR, and report blocks about our SSRC give the round-trip time
/// (§6.4.1: RTT = A − LSR − DLSR) and how much of our audio the remote lost. The caller schedules reports
/// (§6.2 interval) and moves the bytes through SRTCP. Thread-safe.
/// </summary>
internal sealed class RtcpReporter
{
    private readonly RtcpReporterOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly AudioSendStream? _sendStream;
    private readonly AudioReceiveStream? _receiveStream;
    private readonly byte[] _canonicalName;
    private readonly Lock _gate = new();
    private readonly ReportBlock[] _blocks = new ReportBlock[1];
    private long _packetsAtLastReport;
    private bool _haveSenderReport;
    private uint _lastSenderReportSsrc;
    private uint _lastSenderReportMiddle32;
    private long _lastSenderReportArrival;
    private TimeSpan? _roundTripTime;
    private byte? _remoteFractionLost;
    private long? _remoteCumulativeLost;
    private long _reportsWritten;
    private long _reportsReceived;
    private long _malformedReceived;
    private bool _remoteSaidGoodbye;

    public RtcpReporter(RtcpReporterOptions options, TimeProvider timeProvider, AudioSendStream? sendStream, AudioReceiveStream? receiveStream)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _canonicalName = Encoding.UTF8.GetBytes(options.CanonicalName);
        if (_canonicalName.Length is 0 or > SourceDescriptionWriter.MaxItemLength)
        {
            throw new ArgumentException("A CNAME is 1 to 255 UTF-8 bytes.", nameof(options));
        }

        _options = options;
        _timeProvider = timeProvider;
        _sendStream = sendStream;
        _receiveStream = receiveStream;
    }

    /// <summary>Bytes a report can take at most: SR with one block plus the SDES chunk.</summary>
    public int MaxReportLength => 4 + 4 + SenderInfo.Size + ReportBlock.Size + 4 + 4 + ((2 + _canonicalName.Length + 4) & ~3);

    public TimeSpan? RoundTripTime
    {
        get
        {
            lock (_gate)
            {
                return _roundTripTime;
            }
        }
    }

    public long ReportsWritten => Interlocked.Read(ref _reportsWritten);

    public long ReportsReceived => Interlocked.Read(ref _reportsReceived);

    /// <summary>Compound packets that did not parse completely (the valid leading packets were still used).</summary>
    public long MalformedReceived => Interlocked.Read(ref _malformedReceived);

    /// <summary>True once the remote sent BYE for its stream (RFC 3550 §6.6).</summary>
    public bool RemoteSaidGoodbye => Volatile.Read(ref _remoteSaidGoodbye);

    /// <summary>Writes SR-or-RR + SDES into <paramref name="destination"/>; false (state untouched) when it is too small.</summary>
    public bool TryWriteReport(Span<byte> destination, out int written)
    {
        written = 0;
        if (destination.Length < MaxReportLength)
        {
            return false;
        }

        lock (_gate)
        {
            var now = NtpTimestamp.Now(_timeProvider);
            var useSenderReport = _haveSenderReport && (_receiveStream?.RemoteSsrc is not { } remote || remote == _lastSenderReportSsrc);
            var lastSenderReport = useSenderReport ? _lastSenderReportMiddle32 : 0u;
            var delay = useSenderReport ? CompactNtp.FromTimeSpan(_timeProvider.GetElapsedTime(_lastSenderReportArrival)) : 0u;

            // A field, not stackalloc: the writer's span outlives this frame as far as ref safety can tell.
            var blocks = _blocks.AsSpan();
            var blockCount = 0;
            if (_receiveStream?.CreateReportBlock(lastSenderReport, delay) is { } block)
            {
                blocks[blockCount++] = block;
            }

            var writer = new RtcpCompoundWriter(destination);
            var packetsSent = _sendStream?.PacketsSent ?? 0;
            if (_sendStream is not null && packetsSent != _packetsAtLastReport)
            {
                // RFC 3550 §6.4.1: the SR counts wrap modulo 2^32.
                writer.TryAdd(new SenderReport
                {
                    Ssrc = _options.LocalSsrc,
                    SenderInfo = new SenderInfo
                    {
                        NtpTime = now,
                        RtpTimestamp = _sendStream.RtpTimestampNow() ?? _sendStream.NextTimestamp,
                        PacketCount = unchecked((uint)packetsSent),
                        OctetCount = unchecked((uint)_sendStream.PayloadBytesSent),
                    },
                    ReportBlocks = new ReportBlockList(blocks[..blockCount]),
                });
                _packetsAtLastReport = packetsSent;
            }
            else
            {
                writer.TryAdd(new ReceiverReport { Ssrc = _options.LocalSsrc, ReportBlocks = new ReportBlockList(blocks[..blockCount]) });
            }

            writer.TryAddCanonicalName(_options.LocalSsrc, _canonicalName);
            written = writer.Written;
            Interlocked.Increment(ref _reportsWritten);
            return true;
        }
    }

    /// <summary>Bytes <see cref="TryWriteGoodbye"/> needs at most: a report, then a BYE with our SSRC and a reason.</summary>
    public int MaxGoodbyeLength => MaxReportLength + RtcpHeader.Size + 4 + ((1 + Goodbye.MaxReasonLength + 3) & ~3);

    /// <summary>
    /// Writes the last compound packet of the session (RFC 3550 §6.6): our SR or RR and SDES, then a BYE for
    /// our SSRC with an optional UTF-8 reason, so the peer learns the stream ended instead of waiting for
    /// timeouts. False (nothing written) when <paramref name="destination"/> is too small.
    /// </summary>
    public bool TryWriteGoodbye(Span<byte> destination, string? reason, out int written)
    {
        written = 0;
        var reasonBytes = string.IsNullOrEmpty(reason) ? [] : Encoding.UTF8.GetBytes(reason);
        if (reasonBytes.Length > Goodbye.MaxReasonLength)
        {
            throw new ArgumentOutOfRangeException(nameof(reason), "A BYE reason is at most 255 UTF-8 bytes.");
        }

        if (destination.Length < MaxGoodbyeLength || !TryWriteReport(destination, out var reportLength))
        {
            return false;
        }

        uint[] sources = [_options.LocalSsrc]; // once per call: an array keeps ref safety simple
        var writer = new RtcpCompoundWriter(destination);
        writer.Advance(reportLength);
        if (!writer.TryAdd(new Goodbye { Sources = new SsrcList(sources), Reason = reasonBytes }))
        {
            return false;
        }

        written = writer.Written;
        return true;
    }

    /// <summary>Reads a decrypted compound RTCP datagram; returns false when it was not entirely well-formed.</summary>
    public bool ProcessRtcp(ReadOnlySpan<byte> datagram)
    {
        var reader = new RtcpCompoundReader(datagram);
        while (reader.TryReadNext(out var packet))
        {
            switch (packet.Header.PacketType)
            {
                case RtcpPacketType.SenderReport when SenderReport.TryParse(packet.Bytes, out var senderReport):
                    lock (_gate)
                    {
                        _haveSenderReport = true;
                        _lastSenderReportSsrc = senderReport.Ssrc;
                        _lastSenderReportMiddle32 = senderReport.SenderInfo.NtpTime.Middle32;
                        _lastSenderReportArrival = _timeProvider.GetTimestamp();
                        Interlocked.Increment(ref _reportsReceived);
                    }

                    ProcessBlocks(senderReport.ReportBlocks);
                    break;
                case RtcpPacketType.ReceiverReport when ReceiverReport.TryParse(packet.Bytes, out var receiverReport):
                    Interlocked.Increment(ref _reportsReceived);
                    ProcessBlocks(receiverReport.ReportBlocks);
                    break;
                case RtcpPacketType.Goodbye when Goodbye.TryParse(packet.Bytes, out _):
                    Volatile.Write(ref _remoteSaidGoodbye, true);
                    break;
            }
        }

        if (!reader.IsComplete)
        {
            Interlocked.Increment(ref _malformedReceived);
            return false;
        }

        return true;
    }

    public MediaStats GetStats()
    {
        var received = _receiveStream?.GetStatistics() ?? default;
        lock (_gate)
        {
            return new MediaStats
            {
                PacketsSent = _sendStream?.PacketsSent ?? 0,
                PayloadBytesSent = _sendStream?.PayloadBytesSent ?? 0,
                PacketsReceived = received.PacketsReceived,
                PayloadBytesReceived = received.PayloadBytesReceived,
                FractionLost = received.FractionLost,
                CumulativeLost = received.CumulativeLost,
                JitterMilliseconds = received.JitterMilliseconds,
                RoundTripTimeMilliseconds = _roundTripTime?.TotalMilliseconds,
                RemoteFractionLost = _remoteFractionLost / 256.0,
                RemoteCumulativeLost = _remoteCumulativeLost,
            };
        }
    }

    private void ProcessBlocks(ReportBlockList blocks)
    {
        foreach (var block in blocks)
        {
            if (block.Ssrc != _options.LocalSsrc)
            {
                continue;
            }

            var arrival = NtpTimestamp.Now(_timeProvider).Middle32;
            lock (_gate)
            {
                _remoteFractionLost = block.FractionLost;
                _remoteCumulativeLost = block.CumulativeLost;

                // LSR 0 means the remote has not received an SR from us yet: no RTT from this block.
                if (CompactNtp.RoundTripTime(arrival, block.LastSenderReport, block.DelaySinceLastSenderReport) is { } rtt)
                {
                    _roundTripTime = rtt;
                }
            }
        }
    }
}
