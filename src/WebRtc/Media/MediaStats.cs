namespace Serverless.WebRtc.Media;

/// <summary>A snapshot of one call's audio in both directions.</summary>
public sealed record MediaStats
{
    public long PacketsSent { get; init; }

    /// <summary>Payload octets sent (headers excluded, as in the SR).</summary>
    public long PayloadBytesSent { get; init; }

    public long PacketsReceived { get; init; }

    public long PayloadBytesReceived { get; init; }

    /// <summary>Fraction of incoming packets lost in the last report interval, 0..1 (RFC 3550 A.3).</summary>
    public double FractionLost { get; init; }

    /// <summary>Incoming packets lost since the start (RFC 3550 A.3).</summary>
    public long CumulativeLost { get; init; }

    /// <summary>Incoming interarrival jitter in milliseconds (RFC 3550 A.8).</summary>
    public double JitterMilliseconds { get; init; }

    /// <summary>Round-trip time from the last report block about our stream (RFC 3550 §6.4.1); null until known.</summary>
    public double? RoundTripTimeMilliseconds { get; init; }

    /// <summary>Fraction of OUR packets the remote reported lost, 0..1; null until it reported.</summary>
    public double? RemoteFractionLost { get; init; }

    /// <summary>Our packets the remote reported lost in total; null until it reported.</summary>
    public long? RemoteCumulativeLost { get; init; }
}
