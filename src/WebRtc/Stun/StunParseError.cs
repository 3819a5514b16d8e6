namespace Serverless.WebRtc.Stun;

/// <summary>Why bytes were not accepted as a STUN message (RFC 8489 §6.3 receive checks).</summary>
public enum StunParseError
{
    /// <summary>Parsed.</summary>
    None = 0,

    /// <summary>Shorter than the 20-byte header.</summary>
    TooShort,

    /// <summary>The two leading bits are not zero (RFC 8489 §6).</summary>
    NotStun,

    /// <summary>The magic cookie is not 0x2112A442 (RFC 8489 §5); RFC 3489 messages are not supported.</summary>
    BadMagicCookie,

    /// <summary>The message length is not a multiple of 4 (RFC 8489 §5).</summary>
    LengthNotMultipleOfFour,

    /// <summary>The message length disagrees with the datagram size.</summary>
    LengthMismatch,

    /// <summary>An attribute header or value (with padding) runs past the end of the message.</summary>
    AttributeTruncated,

    /// <summary>An understood attribute has a value of the wrong size or content.</summary>
    InvalidAttributeValue,

    /// <summary>An attribute follows FINGERPRINT, which must be last (RFC 8489 §14.7).</summary>
    AttributeAfterFingerprint,
}
