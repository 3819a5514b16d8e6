namespace Serverless.WebRtc.Media;

internal sealed record RtcpReporterOptions
{
    /// <summary>Our SSRC: the SR/RR sender and the SDES chunk.</summary>
    public required uint LocalSsrc { get; init; }

    /// <summary>SDES CNAME (RFC 3550 §6.5.1), required in every compound packet; at most 255 UTF-8 bytes.</summary>
    public required string CanonicalName { get; init; }
}
