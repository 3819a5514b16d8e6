namespace Serverless.Shared.Media;

/// <summary>Final media statistics of one call, as reported in <see cref="MediaEnded"/>.</summary>
public sealed record MediaStats
{
    /// <summary>From media connected to media ended.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>RTP packets we sent.</summary>
    public long PacketsSent { get; init; }

    /// <summary>RTP packets we received.</summary>
    public long PacketsReceived { get; init; }

    /// <summary>RTP payload bytes we sent.</summary>
    public long BytesSent { get; init; }

    /// <summary>RTP payload bytes we received.</summary>
    public long BytesReceived { get; init; }

    /// <summary>Fraction of expected inbound packets lost, 0..1.</summary>
    public double LossFraction { get; init; }

    /// <summary>Inbound interarrival jitter (RFC 3550 §6.4.1), in milliseconds.</summary>
    public double JitterMs { get; init; }

    /// <summary>Round-trip time from RTCP reports, in milliseconds, when measured.</summary>
    public double? RoundTripMs { get; init; }

    /// <summary>Estimated mean opinion score 1..5, when computed.</summary>
    public double? Mos { get; init; }

    /// <summary>Blob name of the recording, when the call was recorded.</summary>
    public string? RecordingBlobName { get; init; }
}
