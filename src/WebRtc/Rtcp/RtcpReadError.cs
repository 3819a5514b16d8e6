namespace Serverless.WebRtc.Rtcp;

/// <summary>Why an <see cref="RtcpCompoundReader"/> rejected the rest of a datagram.</summary>
internal enum RtcpReadError
{
    /// <summary>No error (so far).</summary>
    None,

    /// <summary>Fewer than 4 bytes left for a header, or the length field runs past the datagram.</summary>
    Truncated,

    /// <summary>A packet's version is not 2.</summary>
    UnsupportedVersion,

    /// <summary>The padding count is zero or larger than the packet body.</summary>
    InvalidPadding,

    /// <summary>A packet other than the last has the P bit set (RFC 3550 Appendix A.2).</summary>
    PaddingNotLast,
}
