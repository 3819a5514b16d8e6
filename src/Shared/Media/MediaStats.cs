using System.ComponentModel;

namespace Serverless.Shared.Media;

/// <summary>
/// Media statistics of one call: reported by the node in <see cref="MediaEnded"/>, stored on the call record and
/// shown by the API and callbacks as they are (one type end to end, so nothing is rounded or re-derived on the way).
/// </summary>
[Description("The media node's statistics of the call.")]
public sealed record MediaStats
{
    [Description("Seconds from media connected to media ended (0 when media never connected).")]
    public double DurationSeconds { get; init; }

    [Description("RTP packets we sent.")]
    public long PacketsSent { get; init; }

    [Description("RTP packets we received.")]
    public long PacketsReceived { get; init; }

    [Description("RTP payload bytes we sent.")]
    public long BytesSent { get; init; }

    [Description("RTP payload bytes we received.")]
    public long BytesReceived { get; init; }

    [Description("Inbound packets lost over the whole call (RFC 3550 A.3 cumulative count).")]
    public long PacketsLost { get; init; }

    [Description("Our packets the remote reported lost (RTCP receiver reports), when it reported.")]
    public long? PacketsLostByRemote { get; init; }

    [Description("Inbound interarrival jitter (RFC 3550 §6.4.1), in milliseconds.")]
    public double JitterMs { get; init; }

    [Description("Round-trip time from RTCP reports, in milliseconds, when measured.")]
    public double? RoundTripMs { get; init; }

    [Description("Estimated mean opinion score 1..5, when computed.")]
    public double? Mos { get; init; }

    [Description("The ICE-selected candidate pair and the DTLS handshake, once media was being connected.")]
    public MediaTransport? Transport { get; init; }

    /// <summary>Whole-call loss (RFC 3550 A.3: cumulative lost over expected), 0..1.</summary>
    public static double LossFraction(long received, long lost) =>
        received + lost > 0 ? (double)lost / (received + lost) : 0;
}
