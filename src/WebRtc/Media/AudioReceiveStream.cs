using System.Diagnostics.CodeAnalysis;
using Serverless.WebRtc.Rtcp;
using Serverless.WebRtc.Rtp;

namespace Serverless.WebRtc.Media;

/// <summary>
/// Receives one audio stream from decrypted RTP: statistics for every packet of the SSRC (RFC 3550 A.1-A.8),
/// telephone-event packets to a <see cref="DtmfDetector"/>, Opus packets to the packet callback (arrival
/// order, for recording) and, in <see cref="ReceiveMode.Decode"/>, into a <see cref="JitterBuffer"/> that
/// <see cref="ReadFrame"/> drains one 20 ms frame at a time, concealing losses with FEC or PLC.
/// <see cref="ProcessRtp"/> is called by one receive thread and <see cref="ReadFrame"/> by one reader; the
/// two may differ. The receive path does not allocate.
/// </summary>
[SuppressMessage("Naming", "CA1711", Justification = "An RTP stream (RFC 3550 §3), not a System.IO.Stream.")]
public sealed class AudioReceiveStream : IDisposable
{
    private readonly AudioReceiveStreamOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly long _origin;
    private readonly Lock _gate = new();
    private readonly ReceiveStatistics _statistics = new(OpusCodec.SampleRate);
    private readonly JitterBuffer? _jitterBuffer;
    private readonly OpusFrameDecoder? _decoder;
    private readonly byte[] _payloadScratch = new byte[OpusCodec.MaxPacketBytes];
    private readonly byte[] _nextScratch = new byte[OpusCodec.MaxPacketBytes];
    private uint? _remoteSsrc;
    private bool _decodedAny;
    private int _underrunRun;

    internal AudioReceiveStream(AudioReceiveStreamOptions options, OpusEncoderFactory? codecs = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _origin = _timeProvider.GetTimestamp();
        _remoteSsrc = options.RemoteSsrc;
        if (options.Mode == ReceiveMode.Decode)
        {
            ArgumentNullException.ThrowIfNull(codecs);
            _jitterBuffer = new JitterBuffer(options.JitterBuffer);
            _decoder = codecs.CreateDecoder();
        }
    }

    /// <summary>Each Opus packet as it arrives (not duplicates), before any reordering.</summary>
    public event OpusPacketHandler? OpusPacketReceived;

    internal DtmfDetector Dtmf { get; } = new();

    public ReceiveMode Mode => _options.Mode;

    public uint? RemoteSsrc
    {
        get
        {
            lock (_gate)
            {
                return _remoteSsrc;
            }
        }
    }

    public long FramesDecoded { get; private set; }

    public long FramesFecRecovered { get; private set; }

    public long FramesConcealed { get; private set; }

    public long FramesUnderrun { get; private set; }

    public long FramesSilent { get; private set; }

    /// <summary>Packets the decoder rejected (concealed instead).</summary>
    public long FramesCorrupt { get; private set; }

    /// <summary>Handles one decrypted RTP packet.</summary>
    internal RtpReceiveResult ProcessRtp(ReadOnlySpan<byte> rtpPacket)
    {
        if (!RtpPacket.TryParse(rtpPacket, out var packet))
        {
            return RtpReceiveResult.Malformed;
        }

        var header = packet.Header;
        var payload = packet.Payload;
        var isAudio = header.PayloadType == _options.PayloadType;
        var isEvent = header.PayloadType == _options.TelephoneEventPayloadType;
        var arrival = _timeProvider.GetElapsedTime(_origin);
        var tooLate = false;
        lock (_gate)
        {
            _remoteSsrc ??= header.Ssrc;
            if (header.Ssrc != _remoteSsrc)
            {
                return RtpReceiveResult.ForeignSsrc;
            }

            // Every packet of the SSRC shares the sequence space, so all count; only audio carries sampling
            // instants, so only audio feeds the jitter estimate.
            var order = _statistics.OnPacket(header.SequenceNumber, header.Timestamp, arrival, payload.Length, updateJitter: isAudio);
            if (order == ReceivedPacketOrder.Discarded)
            {
                return RtpReceiveResult.Discarded;
            }

            if (order == ReceivedPacketOrder.Duplicate)
            {
                return RtpReceiveResult.Duplicate;
            }

            if (!isAudio && !isEvent)
            {
                return RtpReceiveResult.UnknownPayloadType;
            }

            if (isAudio && payload.IsEmpty)
            {
                return RtpReceiveResult.Malformed;
            }

            if (isAudio && _jitterBuffer is not null)
            {
                var stored = _jitterBuffer.Insert(header.Timestamp, payload);
                if (stored == JitterBufferInsertResult.TooLate)
                {
                    tooLate = true; // too late to play, not to record
                }

                if (stored == JitterBufferInsertResult.Duplicate)
                {
                    return RtpReceiveResult.Duplicate;
                }
            }
        }

        if (isEvent)
        {
            Dtmf.Process(header.Timestamp, payload);
            return RtpReceiveResult.TelephoneEvent;
        }

        // Outside the lock: the recorder may take its time without holding up playout.
        OpusPacketReceived?.Invoke(payload, header.Timestamp, header.SequenceNumber);
        return tooLate ? RtpReceiveResult.TooLate : RtpReceiveResult.Audio;
    }

    /// <summary>
    /// Produces the next 20 ms of PCM (960 samples) from the jitter buffer; call every 20 ms from one reader.
    /// </summary>
    public AudioFrameKind ReadFrame(Span<short> pcm)
    {
        if (_decoder is null || _jitterBuffer is null)
        {
            throw new InvalidOperationException("This stream was created without decoding (ReceiveMode.PacketsOnly).");
        }

        if (pcm.Length < OpusCodec.FrameSamples)
        {
            throw new ArgumentException($"A frame needs {OpusCodec.FrameSamples} samples.", nameof(pcm));
        }

        JitterFrameKind kind;
        int payloadLength;
        int nextLength;
        lock (_gate)
        {
            // Copy out so the decoder runs without holding up the receive thread.
            var frame = _jitterBuffer.Read();
            kind = frame.Kind;
            frame.Payload.CopyTo(_payloadScratch);
            payloadLength = frame.Payload.Length;
            frame.Next.CopyTo(_nextScratch);
            nextLength = frame.Next.Length;
        }

        switch (kind)
        {
            case JitterFrameKind.Packet when !TryDecode(_payloadScratch.AsSpan(0, payloadLength), pcm):
                Fill(pcm, _decoder.Conceal(pcm));
                FramesCorrupt++;
                return AudioFrameKind.Concealed;
            case JitterFrameKind.Packet:
                _decodedAny = true;
                _underrunRun = 0;
                FramesDecoded++;
                return AudioFrameKind.Decoded;
            case JitterFrameKind.Missing when nextLength > 0 && OpusPacket.HasInbandFec(_nextScratch.AsSpan(0, nextLength)):
                Fill(pcm, _decoder.DecodeFec(_nextScratch.AsSpan(0, nextLength), pcm));
                FramesFecRecovered++;
                return AudioFrameKind.FecRecovered;
            case JitterFrameKind.Missing:
                Fill(pcm, _decoder.Conceal(pcm));
                FramesConcealed++;
                return AudioFrameKind.Concealed;
            case JitterFrameKind.Stretch:
            case JitterFrameKind.None when _decodedAny && _underrunRun < _options.MaxConcealedUnderrunFrames:
                _underrunRun++;
                Fill(pcm, _decoder.Conceal(pcm));
                FramesUnderrun++;
                return AudioFrameKind.Underrun;
            default:
                pcm[..OpusCodec.FrameSamples].Clear();
                FramesSilent++;
                return AudioFrameKind.Silence;
        }
    }

    internal ReceiveStatisticsSnapshot GetStatistics()
    {
        lock (_gate)
        {
            return new ReceiveStatisticsSnapshot
            {
                PacketsReceived = _statistics.PacketsReceived,
                PayloadBytesReceived = _statistics.PayloadBytesReceived,
                PacketsExpected = _statistics.PacketsExpected,
                CumulativeLost = _statistics.CumulativeLost,
                FractionLost = _statistics.LastFractionLost / 256.0,
                JitterMilliseconds = _statistics.JitterMilliseconds,
                Duplicates = _statistics.Duplicates,
                Reordered = _statistics.Reordered,
                TooLate = _jitterBuffer?.TooLate ?? 0,
            };
        }
    }

    public void Dispose() => _decoder?.Dispose();

    /// <summary>The report block about the remote source, closing the A.3 interval; null before any packet.</summary>
    internal ReportBlock? CreateReportBlock(uint lastSenderReport, uint delaySinceLastSenderReport)
    {
        lock (_gate)
        {
            if (_remoteSsrc is not { } ssrc || _statistics.PacketsReceived == 0)
            {
                return null;
            }

            return _statistics.CreateReportBlock(ssrc, lastSenderReport, delaySinceLastSenderReport);
        }
    }

    private bool TryDecode(ReadOnlySpan<byte> packet, Span<short> pcm)
    {
        try
        {
            Fill(pcm, _decoder!.Decode(packet, pcm));
            return true;
        }
        catch (InvalidDataException)
        {
            // A packet that passed SRTP authentication but is not valid Opus: conceal, keep the call.
            return false;
        }
    }

    // The decoder returns fewer samples only for packets shorter than 20 ms; pad so every read is 20 ms.
    private static void Fill(Span<short> pcm, int decoded)
    {
        if (decoded < OpusCodec.FrameSamples)
        {
            pcm[Math.Max(decoded, 0)..OpusCodec.FrameSamples].Clear();
        }
    }
}
