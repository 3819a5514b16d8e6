namespace Serverless.Shared.Media;

/// <summary>
/// Media statistics of one call: reported by the node in <see cref="MediaEnded"/>, stored on the call record and
/// shown by the API and callbacks as they are (one type end to end, so nothing is rounded or re-derived on the way).
/// </summary>
public sealed record MediaStats
{
    /// <summary>Seconds from media connected to media ended (0 when media never connected).</summary>
    public double DurationSeconds { get; init; }

    /// <summary>RTP packets we sent.</summary>
    public long PacketsSent { get; init; }

    /// <summary>RTP packets we received.</summary>
    public long PacketsReceived { get; init; }

    /// <summary>RTP payload bytes we sent.</summary>
    public long BytesSent { get; init; }

    /// <summary>RTP payload bytes we received.</summary>
    public long BytesReceived { get; init; }

    /// <summary>Inbound packets lost over the whole call (RFC 3550 A.3 cumulative count).</summary>
    public long PacketsLost { get; init; }

    /// <summary>Our packets the remote reported lost (RTCP receiver reports), when it reported.</summary>
    public long? PacketsLostByRemote { get; init; }

    /// <summary>Inbound interarrival jitter (RFC 3550 §6.4.1), in milliseconds.</summary>
    public double JitterMs { get; init; }

    /// <summary>Round-trip time from RTCP reports, in milliseconds, when measured.</summary>
    public double? RoundTripMs { get; init; }

    /// <summary>Estimated mean opinion score 1..5, when computed.</summary>
    public double? Mos { get; init; }
}
