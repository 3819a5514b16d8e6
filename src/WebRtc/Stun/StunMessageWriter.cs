using System.Buffers.Binary;
using System.Text;

namespace Serverless.WebRtc.Stun;

/// <summary>
/// Builds a STUN message in the caller's buffer without allocating. Attributes are appended in
/// call order with padding, the header length kept current; MESSAGE-INTEGRITY,
/// MESSAGE-INTEGRITY-SHA256 and FINGERPRINT close the message in that order (RFC 8489 §14.5-§14.7).
/// Every <c>TryAdd</c> returns false and leaves the message unchanged when the buffer is too small.
/// </summary>
internal ref partial struct StunMessageWriter
{
    private readonly Span<byte> _buffer;
    private readonly byte _paddingByte;
    private int _length;
    private Stage _stage;

    /// <summary>Writes the header into <paramref name="buffer"/>, which must hold at least 20 bytes.</summary>
    /// <param name="buffer">Destination; the message starts at index 0.</param>
    /// <param name="type">Method and class.</param>
    /// <param name="transactionId">Transaction id; a response echoes the request's.</param>
    /// <param name="paddingByte">
    /// Padding fill. RFC 8489 §14 says zero; RFC 5389 allowed any value, which some vectors (RFC 5769) use.
    /// </param>
    public StunMessageWriter(Span<byte> buffer, StunMessageType type, StunTransactionId transactionId, byte paddingByte = 0)
    {
        if (buffer.Length < StunMessage.HeaderLength)
        {
            throw new ArgumentException($"A STUN message needs at least {StunMessage.HeaderLength} bytes.", nameof(buffer));
        }

        _buffer = buffer;
        _paddingByte = paddingByte;
        _length = StunMessage.HeaderLength;
        _stage = Stage.Attributes;
        TransactionId = transactionId;
        BinaryPrimitives.WriteUInt16BigEndian(buffer, type.ToUInt16());
        BinaryPrimitives.WriteUInt16BigEndian(buffer[2..], 0);
        BinaryPrimitives.WriteUInt32BigEndian(buffer[4..], StunMessage.MagicCookie);
        transactionId.CopyTo(buffer[8..]);
    }

    private enum Stage
    {
        Attributes,
        AfterIntegrity,
        AfterIntegritySha256,
        Finished,
    }

    /// <summary>The transaction id written into the header.</summary>
    public StunTransactionId TransactionId { get; }

    /// <summary>Bytes of the message so far; always a complete, parseable message.</summary>
    public readonly int BytesWritten => _length;

    /// <summary>The message so far.</summary>
    public readonly ReadOnlySpan<byte> Written => _buffer[.._length];

    /// <summary>
    /// Appends any attribute other than MESSAGE-INTEGRITY(-SHA256) and FINGERPRINT, which have their
    /// own methods because their values depend on the message.
    /// </summary>
    public bool TryAddAttribute(StunAttributeType type, scoped ReadOnlySpan<byte> value)
    {
        if (type is StunAttributeType.MessageIntegrity or StunAttributeType.MessageIntegritySha256 or StunAttributeType.Fingerprint)
        {
            throw new ArgumentException($"Use the dedicated method to add {type}.", nameof(type));
        }

        RequireStage(Stage.Attributes, type);
        if (!TryReserve(type, value.Length, out Span<byte> destination))
        {
            return false;
        }

        value.CopyTo(destination);
        return true;
    }

    /// <summary>
    /// Appends MESSAGE-INTEGRITY: HMAC-SHA1 keyed with <paramref name="key"/> over the message so far,
    /// the header length already counting this attribute (RFC 8489 §14.5).
    /// </summary>
    public bool TryAddMessageIntegrity(scoped ReadOnlySpan<byte> key)
    {
        RequireStage(Stage.Attributes, StunAttributeType.MessageIntegrity);
        if (!TryAddHmac(StunIntegrity.Algorithm.Sha1, StunAttributeType.MessageIntegrity, StunIntegrity.Sha1Length, key))
        {
            return false;
        }

        _stage = Stage.AfterIntegrity;
        return true;
    }

    /// <summary>
    /// Appends MESSAGE-INTEGRITY-SHA256, truncated to <paramref name="length"/> bytes (16..32, multiple of 4; RFC 8489 §14.6).
    /// </summary>
    public bool TryAddMessageIntegritySha256(scoped ReadOnlySpan<byte> key, int length = StunIntegrity.Sha256Length)
    {
        if (length is < StunIntegrity.Sha256MinLength or > StunIntegrity.Sha256Length || (length & 3) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "RFC 8489 §14.6: 16 to 32 bytes, a multiple of 4.");
        }

        if (_stage is not (Stage.Attributes or Stage.AfterIntegrity))
        {
            throw new InvalidOperationException("MESSAGE-INTEGRITY-SHA256 must precede FINGERPRINT and appear once.");
        }

        if (!TryAddHmac(StunIntegrity.Algorithm.Sha256, StunAttributeType.MessageIntegritySha256, length, key))
        {
            return false;
        }

        _stage = Stage.AfterIntegritySha256;
        return true;
    }

    /// <summary>Appends FINGERPRINT, after which nothing may be added (RFC 8489 §14.7).</summary>
    public bool TryAddFingerprint()
    {
        if (_stage == Stage.Finished)
        {
            throw new InvalidOperationException("FINGERPRINT is already the last attribute.");
        }

        int attributeOffset = _length;
        if (!TryReserve(StunAttributeType.Fingerprint, 4, out Span<byte> value))
        {
            return false;
        }

        BinaryPrimitives.WriteUInt32BigEndian(value, StunIntegrity.ComputeFingerprint(_buffer[..attributeOffset]));
        _stage = Stage.Finished;
        return true;
    }

    /// <summary>
    /// Closes an ICE check or its response: MESSAGE-INTEGRITY with <paramref name="integrityKey"/> then
    /// FINGERPRINT (RFC 8445 §7.2.2, §7.3). Adds nothing unless both fit.
    /// </summary>
    /// <exception cref="InvalidOperationException">MESSAGE-INTEGRITY or FINGERPRINT was already added.</exception>
    public bool TryFinish(scoped ReadOnlySpan<byte> integrityKey, out int written)
    {
        const int needed = (2 * StunMessage.AttributeHeaderLength) + StunIntegrity.Sha1Length + 4;
        if (_buffer.Length - _length < needed || _length - StunMessage.HeaderLength + needed > StunMessage.MaxBodyLength)
        {
            written = 0;
            return false;
        }

        TryAddMessageIntegrity(integrityKey);
        TryAddFingerprint();
        written = _length;
        return true;
    }

    /// <summary>
    /// Closes a message that carries no credentials, such as an ICE keepalive Binding indication
    /// (RFC 8445 §11), with FINGERPRINT only.
    /// </summary>
    public bool TryFinish(out int written)
    {
        bool added = TryAddFingerprint();
        written = added ? _length : 0;
        return added;
    }

    private bool TryAddHmac(StunIntegrity.Algorithm algorithm, StunAttributeType type, int length, scoped ReadOnlySpan<byte> key)
    {
        int attributeOffset = _length;
        if (!TryReserve(type, length, out Span<byte> value))
        {
            return false;
        }

        // The header length already counts this attribute, as the MAC requires.
        Span<byte> mac = stackalloc byte[StunIntegrity.Sha256Length];
        StunIntegrity.ComputeHmac(algorithm, key, _buffer[..attributeOffset], mac);
        mac[..length].CopyTo(value);
        return true;
    }

    private readonly void RequireStage(Stage expected, StunAttributeType type)
    {
        if (_stage != expected)
        {
            throw new InvalidOperationException($"{type} cannot follow MESSAGE-INTEGRITY or FINGERPRINT (RFC 8489 §14.5, §14.7).");
        }
    }

    /// <summary>Writes the attribute header and padding, bumps the lengths, and hands back the value slot.</summary>
    private bool TryReserve(StunAttributeType type, int valueLength, out Span<byte> value)
    {
        int padded = StunMessage.Pad(valueLength);
        int total = StunMessage.AttributeHeaderLength + padded;
        if (valueLength > ushort.MaxValue || _buffer.Length - _length < total
            || _length - StunMessage.HeaderLength + total > StunMessage.MaxBodyLength)
        {
            value = default;
            return false;
        }

        Span<byte> attribute = _buffer.Slice(_length, total);
        BinaryPrimitives.WriteUInt16BigEndian(attribute, (ushort)type);
        BinaryPrimitives.WriteUInt16BigEndian(attribute[2..], (ushort)valueLength);
        attribute[(StunMessage.AttributeHeaderLength + valueLength)..].Fill(_paddingByte);
        _length += total;
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[2..], (ushort)(_length - StunMessage.HeaderLength));
        value = attribute.Slice(StunMessage.AttributeHeaderLength, valueLength);
        return true;
    }

    private bool TryAddText(StunAttributeType type, scoped ReadOnlySpan<char> text)
    {
        RequireStage(Stage.Attributes, type);
        if (!TryReserve(type, Encoding.UTF8.GetByteCount(text), out Span<byte> value))
        {
            return false;
        }

        Encoding.UTF8.GetBytes(text, value);
        return true;
    }
}
