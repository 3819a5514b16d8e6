namespace Serverless.WebRtc.Stun;

/// <summary>STUN attribute types used by ICE (RFC 8489 §18.3, RFC 8445 §16.1).</summary>
/// <remarks>
/// Values below 0x8000 are comprehension-required, values from 0x8000 comprehension-optional
/// (RFC 8489 §14). Unregistered types are carried as raw values of this enum.
/// </remarks>
internal enum StunAttributeType : ushort
{
    /// <summary>MAPPED-ADDRESS (RFC 8489 §14.1).</summary>
    MappedAddress = 0x0001,

    /// <summary>USERNAME (RFC 8489 §14.3); for ICE "remote-ufrag:local-ufrag" (RFC 8445 §7.2.2).</summary>
    Username = 0x0006,

    /// <summary>MESSAGE-INTEGRITY, HMAC-SHA1 (RFC 8489 §14.5).</summary>
    MessageIntegrity = 0x0008,

    /// <summary>ERROR-CODE (RFC 8489 §14.8).</summary>
    ErrorCode = 0x0009,

    /// <summary>UNKNOWN-ATTRIBUTES (RFC 8489 §14.13).</summary>
    UnknownAttributes = 0x000A,

    /// <summary>REALM (RFC 8489 §14.9).</summary>
    Realm = 0x0014,

    /// <summary>NONCE (RFC 8489 §14.10).</summary>
    Nonce = 0x0015,

    /// <summary>MESSAGE-INTEGRITY-SHA256 (RFC 8489 §14.6).</summary>
    MessageIntegritySha256 = 0x001C,

    /// <summary>XOR-MAPPED-ADDRESS (RFC 8489 §14.2).</summary>
    XorMappedAddress = 0x0020,

    /// <summary>PRIORITY (RFC 8445 §7.1.1).</summary>
    Priority = 0x0024,

    /// <summary>USE-CANDIDATE (RFC 8445 §7.1.2).</summary>
    UseCandidate = 0x0025,

    /// <summary>SOFTWARE (RFC 8489 §14.14).</summary>
    Software = 0x8022,

    /// <summary>FINGERPRINT (RFC 8489 §14.7).</summary>
    Fingerprint = 0x8028,

    /// <summary>ICE-CONTROLLED (RFC 8445 §7.1.3).</summary>
    IceControlled = 0x8029,

    /// <summary>ICE-CONTROLLING (RFC 8445 §7.1.3).</summary>
    IceControlling = 0x802A,
}

/// <summary>Classification helpers for <see cref="StunAttributeType"/>.</summary>
internal static class StunAttributeTypeExtensions
{
    /// <summary>
    /// True for 0x0000-0x7FFF: an agent that does not understand such an attribute must reject
    /// the request with 420 Unknown Attribute (RFC 8489 §14, §6.3.1).
    /// </summary>
    public static bool IsComprehensionRequired(this StunAttributeType type) => (ushort)type < 0x8000;

    /// <summary>True for the attribute types this implementation parses and validates.</summary>
    public static bool IsUnderstood(this StunAttributeType type) => type switch
    {
        StunAttributeType.MappedAddress or StunAttributeType.Username or StunAttributeType.MessageIntegrity
            or StunAttributeType.ErrorCode or StunAttributeType.UnknownAttributes or StunAttributeType.Realm
            or StunAttributeType.Nonce or StunAttributeType.MessageIntegritySha256 or StunAttributeType.XorMappedAddress
            or StunAttributeType.Priority or StunAttributeType.UseCandidate or StunAttributeType.Software
            or StunAttributeType.Fingerprint or StunAttributeType.IceControlled or StunAttributeType.IceControlling => true,
        _ => false,
    };
}
