using System.Security.Cryptography;
using Serverless.WebRtc.Rtp;

namespace Serverless.WebRtc.Media;

/// <summary>
/// Sends one audio stream: on every pacer tick the next Opus frame from the <see cref="IAudioSource"/>, or
/// the cached silence frame when the source is empty (the peer must keep sending), or an RFC 4733 DTMF packet
/// while a digit plays. Sequence +1 per packet; timestamp +960 per 20 ms tick whatever was sent (RFC 3550
/// §5.1, RFC 7587 §4.1). The packet is written into the stream's own buffer and handed to the sink, so the
/// hot path does not allocate.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "An RTP stream (RFC 3550 §3), not a System.IO.Stream.")]
public sealed class AudioSendStream : IPacedStream
{
    private readonly AudioSendStreamOptions _options;
    private readonly IAudioSource _source;
    private readonly ReadOnlyMemory<byte> _silenceFrame;
    private readonly RtpPacketSink _sink;
    private readonly TimeProvider _timeProvider;
    private readonly DtmfSender? _dtmf;
    private readonly byte[] _packetBuffer = new byte[RtpHeader.FixedLength + OpusCodec.MaxPacketBytes];
    private readonly byte[] _frameBuffer = new byte[OpusCodec.MaxPacketBytes];
    private ushort _sequenceNumber;
    private uint _timestamp;
    private bool _inTalkspurt;
    private bool _sentAny;
    private long _packetsSent;
    private long _payloadBytesSent;
    private long _silenceFramesSent;
    private long _dtmfPacketsSent;
    private long _lastSentTimestamp;
    private uint _lastSentRtpTimestamp;

    public AudioSendStream(
        AudioSendStreamOptions options,
        IAudioSource source,
        ReadOnlyMemory<byte> silenceFrame,
        RtpPacketSink sink,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(sink);
        if (silenceFrame.IsEmpty || silenceFrame.Length > OpusCodec.MaxPacketBytes)
        {
            throw new ArgumentException("The silence frame must be one encoded Opus frame.", nameof(silenceFrame));
        }

        _options = options;
        _source = source;
        _silenceFrame = silenceFrame;
        _sink = sink;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _dtmf = options.TelephoneEventPayloadType is null ? null : new DtmfSender(options);
        _sequenceNumber = options.InitialSequenceNumber ?? (ushort)RandomNumberGenerator.GetInt32(ushort.MaxValue + 1);
        _timestamp = options.InitialTimestamp ?? (uint)RandomNumberGenerator.GetInt32(int.MaxValue);
    }

    public uint Ssrc => _options.Ssrc;

    /// <summary>Sequence number the next packet will carry.</summary>
    public ushort NextSequenceNumber => _sequenceNumber;

    /// <summary>RTP timestamp of the next audio frame.</summary>
    public uint NextTimestamp => _timestamp;

    /// <summary>RTP packets sent (audio, silence and DTMF): the SR packet count (RFC 3550 §6.4.1).</summary>
    public long PacketsSent => Interlocked.Read(ref _packetsSent);

    /// <summary>Payload octets sent, headers excluded: the SR octet count (RFC 3550 §6.4.1).</summary>
    public long PayloadBytesSent => Interlocked.Read(ref _payloadBytesSent);

    public long SilenceFramesSent => Interlocked.Read(ref _silenceFramesSent);

    public long DtmfPacketsSent => Interlocked.Read(ref _dtmfPacketsSent);

    /// <summary>Digits queued or playing.</summary>
    public int PendingDtmfCount => _dtmf?.PendingCount ?? 0;

    /// <summary>
    /// The RTP timestamp that corresponds to "now", extrapolated from the last packet sent, for the SR
    /// (RFC 3550 §6.4.1: same instant as the NTP timestamp). Null before the first packet.
    /// </summary>
    public uint? RtpTimestampNow()
    {
        if (!_sentAny)
        {
            return null;
        }

        var sinceLast = _timeProvider.GetElapsedTime(Interlocked.Read(ref _lastSentTimestamp));
        return unchecked(Volatile.Read(ref _lastSentRtpTimestamp) + (uint)(sinceLast.TotalSeconds * OpusCodec.SampleRate));
    }

    /// <summary>Queues DTMF digits (0-9, *, #, A-D) to be sent one after another.</summary>
    /// <returns>Completes when the last digit's end packets were sent; cancelled if the stream stops first.</returns>
    public Task SendDtmf(string digits)
    {
        ArgumentNullException.ThrowIfNull(digits);
        if (_dtmf is null)
        {
            throw new InvalidOperationException("No telephone-event payload type was negotiated.");
        }

        Span<byte> codes = stackalloc byte[digits.Length];
        for (var i = 0; i < digits.Length; i++)
        {
            if (!TelephoneEvent.TryGetEventCode(digits[i], out codes[i]))
            {
                throw new ArgumentException($"'{digits[i]}' is not a DTMF digit.", nameof(digits));
            }
        }

        if (codes.IsEmpty)
        {
            return Task.CompletedTask;
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        for (var i = 0; i < codes.Length; i++)
        {
            _dtmf.Enqueue(codes[i], i == codes.Length - 1 ? done : null);
        }

        return done.Task;
    }

    /// <summary>The stream stops for good: queued digits are dropped and their tasks cancelled.</summary>
    public void CancelPendingDtmf() => _dtmf?.CancelPending();

    /// <summary>Sends this tick's packet(s). Called by the pacer; one caller at a time.</summary>
    public void OnTick()
    {
        if (_dtmf is not null && _dtmf.TryNextTick(_timestamp, out var telephoneEvent, out var eventTimestamp, out var eventMarker, out var repeats))
        {
            Span<byte> payload = stackalloc byte[TelephoneEvent.Length];
            telephoneEvent.TryWrite(payload, out _);
            for (var i = 0; i < repeats; i++)
            {
                Send(_options.TelephoneEventPayloadType!.Value, eventMarker && i == 0, eventTimestamp, payload);
                Interlocked.Increment(ref _dtmfPacketsSent);
            }

            _dtmf.EndPacketsSent();

            // The audio clock runs on during the tone; the next talk after it is a new talkspurt.
            _inTalkspurt = false;
            _timestamp = unchecked(_timestamp + OpusCodec.FrameSamples);
            return;
        }

        if (_source.TryReadFrame(_frameBuffer, out var length) && length > 0)
        {
            // RFC 3551 §4.1: the marker flags the first packet of a talkspurt (and the first packet sent).
            var marker = !_inTalkspurt || !_sentAny;
            _inTalkspurt = true;
            Send(_options.PayloadType, marker, _timestamp, _frameBuffer.AsSpan(0, length));
        }
        else
        {
            var marker = !_sentAny;
            _inTalkspurt = false;
            Send(_options.PayloadType, marker, _timestamp, _silenceFrame.Span);
            Interlocked.Increment(ref _silenceFramesSent);
        }

        _timestamp = unchecked(_timestamp + OpusCodec.FrameSamples);
    }

    /// <summary>
    /// After a stall the skipped frames are not sent, but the timestamp still jumps over them (RFC 3550 §5.1:
    /// it tracks the sampling clock), so the receiver sees a gap in time rather than compressed audio; the
    /// next audio packet starts a new talkspurt.
    /// </summary>
    public void OnTicksSkipped(long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _timestamp = unchecked(_timestamp + (uint)(count * OpusCodec.FrameSamples));
        _inTalkspurt = false;
    }

    private void Send(byte payloadType, bool marker, uint timestamp, ReadOnlySpan<byte> payload)
    {
        var packet = new RtpPacket
        {
            Header = new RtpHeader
            {
                PayloadType = payloadType,
                Marker = marker,
                SequenceNumber = _sequenceNumber,
                Timestamp = timestamp,
                Ssrc = _options.Ssrc,
            },
            Payload = payload,
        };
        if (!packet.TryWrite(_packetBuffer, out var written))
        {
            throw new InvalidOperationException("An RTP packet did not fit the send buffer.");
        }

        _sequenceNumber = unchecked((ushort)(_sequenceNumber + 1));
        _sentAny = true;
        Interlocked.Increment(ref _packetsSent);
        Interlocked.Add(ref _payloadBytesSent, payload.Length);
        Volatile.Write(ref _lastSentRtpTimestamp, timestamp);
        Interlocked.Exchange(ref _lastSentTimestamp, _timeProvider.GetTimestamp());
        _sink(_packetBuffer.AsSpan(0, written));
    }
}
