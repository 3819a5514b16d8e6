namespace Serverless.WebRtc.Media;

public sealed record AudioSendStreamOptions
{
    public required uint Ssrc { get; init; }

    /// <summary>Negotiated Opus payload type.</summary>
    public byte PayloadType { get; init; } = OpusCodec.DefaultPayloadType;

    /// <summary>Negotiated telephone-event payload type; null when the peer did not offer RFC 4733.</summary>
    public byte? TelephoneEventPayloadType { get; init; }

    /// <summary>
    /// Clock rate of the negotiated telephone-event format (WhatsApp: only 8000, PT 126); event durations are
    /// in its units. The event's RTP timestamp stays on the stream's 48 kHz clock (one SSRC, one timeline),
    /// which is what libwebrtc sends for telephone-event/8000 next to Opus.
    /// </summary>
    public int TelephoneEventClockRate { get; init; } = 8_000;

    /// <summary>First sequence number; random when null (RFC 3550 §5.1).</summary>
    public ushort? InitialSequenceNumber { get; init; }

    /// <summary>First RTP timestamp; random when null (RFC 3550 §5.1).</summary>
    public uint? InitialTimestamp { get; init; }

    /// <summary>How long each DTMF tone lasts (rounded up to whole 20 ms frames).</summary>
    public TimeSpan DtmfToneDuration { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Audio between two digits, so the receiver sees distinct events.</summary>
    public TimeSpan DtmfGap { get; init; } = TimeSpan.FromMilliseconds(60);

    /// <summary>Tone power as -dBm0 (RFC 4733 §2.3.4).</summary>
    public byte DtmfVolume { get; init; } = 10;
}
