using System.Buffers.Binary;

namespace Serverless.WebRtc.Stun;

/// <summary>
/// A parsed STUN message over the caller's bytes: header, attribute enumeration, typed accessors
/// and integrity checks, none of which allocate. Obtain one from <see cref="StunMessage.TryParse(ReadOnlySpan{byte}, out StunMessageView)"/>.
/// </summary>
internal readonly ref partial struct StunMessageView
{
    private readonly ReadOnlySpan<byte> _buffer;
    private readonly int _coveredEnd;
    private readonly int _integrityOffset;
    private readonly int _integritySha256Offset;
    private readonly int _fingerprintOffset;

    internal StunMessageView(ReadOnlySpan<byte> buffer, StunMessageType type, StunTransactionId transactionId, AttributeScan scan)
    {
        _buffer = buffer;
        MessageType = type;
        TransactionId = transactionId;
        _coveredEnd = scan.CoveredEnd;
        _integrityOffset = scan.IntegrityOffset;
        _integritySha256Offset = scan.IntegritySha256Offset;
        _fingerprintOffset = scan.FingerprintOffset;
        UnknownComprehensionRequiredCount = scan.UnknownRequiredCount;
    }

    /// <summary>Method and class.</summary>
    public StunMessageType MessageType { get; }

    /// <summary>The 96-bit transaction id.</summary>
    public StunTransactionId TransactionId { get; }

    /// <summary>The whole message, header included.</summary>
    public ReadOnlySpan<byte> Raw => _buffer;

    /// <summary>Total length in bytes, header included.</summary>
    public int Length => _buffer.Length;

    /// <summary>
    /// Number of comprehension-required attributes (type &lt; 0x8000) this implementation does not
    /// understand. A request with any must be answered with 420 listing them (RFC 8489 §6.3.1).
    /// </summary>
    public int UnknownComprehensionRequiredCount { get; }

    /// <summary>True when MESSAGE-INTEGRITY is present.</summary>
    public bool HasMessageIntegrity => _integrityOffset > 0;

    /// <summary>True when MESSAGE-INTEGRITY-SHA256 is present.</summary>
    public bool HasMessageIntegritySha256 => _integritySha256Offset > 0;

    /// <summary>True when FINGERPRINT is present (always last).</summary>
    public bool HasFingerprint => _fingerprintOffset > 0;

    /// <summary>Every attribute in wire order, including ones ignored after MESSAGE-INTEGRITY.</summary>
    public StunAttributeEnumerator GetAttributes() => new(_buffer);

    /// <summary>
    /// Copies the types of the unknown comprehension-required attributes into <paramref name="destination"/>
    /// (for UNKNOWN-ATTRIBUTES in a 420 response); returns how many were copied.
    /// </summary>
    public int CopyUnknownComprehensionRequired(Span<StunAttributeType> destination)
    {
        int count = 0;
        foreach (StunAttributeView attribute in Covered())
        {
            if (count == destination.Length)
            {
                break;
            }

            if (attribute.Type.IsComprehensionRequired() && !attribute.Type.IsUnderstood())
            {
                destination[count++] = attribute.Type;
            }
        }

        return count;
    }

    /// <summary>
    /// Verifies MESSAGE-INTEGRITY (HMAC-SHA1) with <paramref name="key"/>: for short-term credentials
    /// the password bytes (RFC 8489 §9.1.1), for long-term ones <see cref="StunCredentials.LongTermKey"/>.
    /// False when the attribute is absent.
    /// </summary>
    public bool VerifyMessageIntegrity(ReadOnlySpan<byte> key) =>
        _integrityOffset > 0 && StunIntegrity.VerifyHmac(StunIntegrity.Algorithm.Sha1, key, _buffer, _integrityOffset, ValueAt(_integrityOffset));

    /// <summary>Verifies MESSAGE-INTEGRITY-SHA256 (RFC 8489 §14.6), possibly truncated; false when absent.</summary>
    public bool VerifyMessageIntegritySha256(ReadOnlySpan<byte> key) =>
        _integritySha256Offset > 0 && StunIntegrity.VerifyHmac(StunIntegrity.Algorithm.Sha256, key, _buffer, _integritySha256Offset, ValueAt(_integritySha256Offset));

    /// <summary>Verifies FINGERPRINT: CRC-32 of the preceding bytes XOR 0x5354554E (RFC 8489 §14.7); false when absent.</summary>
    public bool VerifyFingerprint() =>
        _fingerprintOffset > 0
        && BinaryPrimitives.ReadUInt32BigEndian(ValueAt(_fingerprintOffset)) == StunIntegrity.ComputeFingerprint(_buffer[.._fingerprintOffset]);

    /// <summary>
    /// The first attribute of <paramref name="type"/> before any MESSAGE-INTEGRITY; attributes after it
    /// are ignored (RFC 8489 §14.5). Works for unknown comprehension-optional types too.
    /// </summary>
    public bool TryGetAttribute(StunAttributeType type, out ReadOnlySpan<byte> value)
    {
        foreach (StunAttributeView attribute in Covered())
        {
            if (attribute.Type == type)
            {
                value = attribute.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>True when <paramref name="type"/> occurs before any MESSAGE-INTEGRITY.</summary>
    public bool HasAttribute(StunAttributeType type) => TryGetAttribute(type, out _);

    private StunAttributeEnumerator Covered() => new(_buffer[.._coveredEnd]);

    private ReadOnlySpan<byte> ValueAt(int attributeOffset)
    {
        int length = BinaryPrimitives.ReadUInt16BigEndian(_buffer[(attributeOffset + 2)..]);
        return _buffer.Slice(attributeOffset + StunMessage.AttributeHeaderLength, length);
    }
}
