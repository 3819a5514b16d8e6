namespace Serverless.WebRtc.Rtp;

/// <summary>Where an <see cref="RtpExtensionReader"/> stopped, or that it has not stopped yet.</summary>
internal enum RtpExtensionReadStatus
{
    /// <summary>More elements may follow.</summary>
    Reading,

    /// <summary>All elements were read.</summary>
    Complete,

    /// <summary>A one-byte element with id 15 ended processing; earlier elements stand (RFC 8285 §4.2).</summary>
    Terminated,

    /// <summary>An element's length ran past the extension data; earlier elements stand.</summary>
    Malformed,

    /// <summary>The profile is neither 0xBEDE nor 0x100X, so the data is not RFC 8285 elements.</summary>
    UnsupportedProfile,
}
