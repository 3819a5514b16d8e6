using System.Buffers.Binary;

namespace Serverless.WebRtc.Stun;

/// <summary>
/// One pass over the attributes of a message whose header is valid: checks framing, validates
/// understood values, locates the integrity and fingerprint attributes and counts unknown
/// comprehension-required ones.
/// </summary>
internal struct AttributeScan
{
    // Offsets of zero mean "absent": no attribute can start inside the 20-byte header, and a
    // default(StunMessageView) then behaves as an empty message instead of reading out of range.

    /// <summary>End of the attributes that count: everything from the first MESSAGE-INTEGRITY(-SHA256)
    /// or FINGERPRINT on is excluded from typed lookups.</summary>
    public int CoveredEnd;

    public int IntegrityOffset;
    public int IntegritySha256Offset;
    public int FingerprintOffset;
    public int UnknownRequiredCount;

    public StunParseError Run(ReadOnlySpan<byte> buffer)
    {
        CoveredEnd = 0;
        IntegrityOffset = 0;
        IntegritySha256Offset = 0;
        FingerprintOffset = 0;
        UnknownRequiredCount = 0;

        int offset = StunMessage.HeaderLength;
        while (offset < buffer.Length)
        {
            if (buffer.Length - offset < StunMessage.AttributeHeaderLength)
            {
                return StunParseError.AttributeTruncated;
            }

            var type = (StunAttributeType)BinaryPrimitives.ReadUInt16BigEndian(buffer[offset..]);
            int length = BinaryPrimitives.ReadUInt16BigEndian(buffer[(offset + 2)..]);
            int valueOffset = offset + StunMessage.AttributeHeaderLength;
            if (buffer.Length - valueOffset < StunMessage.Pad(length))
            {
                return StunParseError.AttributeTruncated;
            }

            // RFC 8489 §14.7: FINGERPRINT is the last attribute.
            if (FingerprintOffset > 0)
            {
                return StunParseError.AttributeAfterFingerprint;
            }

            StunParseError error = Visit(type, offset, buffer.Slice(valueOffset, length));
            if (error != StunParseError.None)
            {
                return error;
            }

            offset = valueOffset + StunMessage.Pad(length);
        }

        if (CoveredEnd == 0)
        {
            CoveredEnd = buffer.Length;
        }

        return StunParseError.None;
    }

    private StunParseError Visit(StunAttributeType type, int offset, ReadOnlySpan<byte> value)
    {
        switch (type)
        {
            case StunAttributeType.Fingerprint:
                if (value.Length != 4)
                {
                    return StunParseError.InvalidAttributeValue;
                }

                FingerprintOffset = offset;
                MarkCoveredEnd(offset);
                return StunParseError.None;

            // RFC 8489 §14.6: after MESSAGE-INTEGRITY-SHA256 only FINGERPRINT counts, so a later
            // MESSAGE-INTEGRITY (or a repeat) is ignored.
            case StunAttributeType.MessageIntegrity when IntegrityOffset == 0 && IntegritySha256Offset == 0:
                if (value.Length != StunIntegrity.Sha1Length)
                {
                    return StunParseError.InvalidAttributeValue;
                }

                IntegrityOffset = offset;
                MarkCoveredEnd(offset);
                return StunParseError.None;

            case StunAttributeType.MessageIntegritySha256 when IntegritySha256Offset == 0:
                if (value.Length is < StunIntegrity.Sha256MinLength or > StunIntegrity.Sha256Length || (value.Length & 3) != 0)
                {
                    return StunParseError.InvalidAttributeValue;
                }

                IntegritySha256Offset = offset;
                MarkCoveredEnd(offset);
                return StunParseError.None;

            default:
                // RFC 8489 §14.5: attributes after MESSAGE-INTEGRITY (other than the two above) are ignored.
                if (CoveredEnd > 0)
                {
                    return StunParseError.None;
                }

                if (!type.IsUnderstood())
                {
                    if (type.IsComprehensionRequired())
                    {
                        UnknownRequiredCount++;
                    }

                    return StunParseError.None;
                }

                return IsValidValue(type, value) ? StunParseError.None : StunParseError.InvalidAttributeValue;
        }
    }

    private void MarkCoveredEnd(int offset)
    {
        if (CoveredEnd == 0)
        {
            CoveredEnd = offset;
        }
    }

    private static bool IsValidValue(StunAttributeType type, ReadOnlySpan<byte> value) => type switch
    {
        StunAttributeType.MappedAddress or StunAttributeType.XorMappedAddress =>
            (value.Length == 8 && value[1] == StunAddress.FamilyIPv4) || (value.Length == 20 && value[1] == StunAddress.FamilyIPv6),
        StunAttributeType.Priority => value.Length == 4,
        StunAttributeType.UseCandidate => value.Length == 0,
        StunAttributeType.IceControlled or StunAttributeType.IceControlling => value.Length == 8,
        StunAttributeType.ErrorCode => IsValidErrorCode(value),
        StunAttributeType.UnknownAttributes => (value.Length & 1) == 0,
        // USERNAME, REALM, NONCE, SOFTWARE: opaque UTF-8, any length the framing allows.
        _ => true,
    };

    // RFC 8489 §14.8: Class is 3..6, Number 0..99.
    private static bool IsValidErrorCode(ReadOnlySpan<byte> value) =>
        value.Length >= 4 && (value[2] & 0x07) is >= 3 and <= 6 && value[3] < 100;
}
