using System.Buffers.Binary;

namespace Serverless.WebRtc.Stun;

/// <summary>Typed attribute accessors; values were validated by the parser.</summary>
internal readonly ref partial struct StunMessageView
{
    /// <summary>USERNAME bytes (UTF-8; for ICE "remote-ufrag:local-ufrag", RFC 8445 §7.2.2).</summary>
    public bool TryGetUsername(out ReadOnlySpan<byte> username) => TryGetAttribute(StunAttributeType.Username, out username);

    /// <summary>SOFTWARE bytes (UTF-8).</summary>
    public bool TryGetSoftware(out ReadOnlySpan<byte> software) => TryGetAttribute(StunAttributeType.Software, out software);

    /// <summary>REALM bytes (long-term credentials, RFC 8489 §14.9).</summary>
    public bool TryGetRealm(out ReadOnlySpan<byte> realm) => TryGetAttribute(StunAttributeType.Realm, out realm);

    /// <summary>NONCE bytes (long-term credentials, RFC 8489 §14.10).</summary>
    public bool TryGetNonce(out ReadOnlySpan<byte> nonce) => TryGetAttribute(StunAttributeType.Nonce, out nonce);

    /// <summary>PRIORITY (RFC 8445 §7.1.1).</summary>
    public bool TryGetPriority(out uint priority)
    {
        bool found = TryGetAttribute(StunAttributeType.Priority, out ReadOnlySpan<byte> value);
        priority = found ? BinaryPrimitives.ReadUInt32BigEndian(value) : 0;
        return found;
    }

    /// <summary>True when USE-CANDIDATE is present (RFC 8445 §7.1.2): the controlling agent nominates this pair.</summary>
    public bool HasUseCandidate => HasAttribute(StunAttributeType.UseCandidate);

    /// <summary>ICE-CONTROLLING tie-breaker (RFC 8445 §7.1.3).</summary>
    public bool TryGetIceControlling(out ulong tieBreaker) => TryGetUInt64(StunAttributeType.IceControlling, out tieBreaker);

    /// <summary>ICE-CONTROLLED tie-breaker (RFC 8445 §7.1.3).</summary>
    public bool TryGetIceControlled(out ulong tieBreaker) => TryGetUInt64(StunAttributeType.IceControlled, out tieBreaker);

    /// <summary>XOR-MAPPED-ADDRESS, un-XORed with the cookie and, for IPv6, the transaction id (RFC 8489 §14.2).</summary>
    public bool TryGetXorMappedAddress(out StunAddress address) => TryGetAddress(StunAttributeType.XorMappedAddress, true, out address);

    /// <summary>MAPPED-ADDRESS (RFC 8489 §14.1).</summary>
    public bool TryGetMappedAddress(out StunAddress address) => TryGetAddress(StunAttributeType.MappedAddress, false, out address);

    /// <summary>ERROR-CODE as a typed code plus the UTF-8 reason phrase (RFC 8489 §14.8).</summary>
    public bool TryGetErrorCode(out StunErrorCode code, out ReadOnlySpan<byte> reason)
    {
        if (!TryGetAttribute(StunAttributeType.ErrorCode, out ReadOnlySpan<byte> value))
        {
            code = default;
            reason = default;
            return false;
        }

        code = (StunErrorCode)(((value[2] & 0x07) * 100) + value[3]);
        reason = value[4..];
        return true;
    }

    /// <summary>
    /// The attribute types listed by UNKNOWN-ATTRIBUTES (RFC 8489 §14.13). False when absent or
    /// when <paramref name="destination"/> is too small; <paramref name="count"/> is then the number needed.
    /// </summary>
    public bool TryGetUnknownAttributes(Span<StunAttributeType> destination, out int count)
    {
        if (!TryGetAttribute(StunAttributeType.UnknownAttributes, out ReadOnlySpan<byte> value))
        {
            count = 0;
            return false;
        }

        count = value.Length / 2;
        if (count > destination.Length)
        {
            return false;
        }

        for (int i = 0; i < count; i++)
        {
            destination[i] = (StunAttributeType)BinaryPrimitives.ReadUInt16BigEndian(value[(2 * i)..]);
        }

        return true;
    }

    private bool TryGetUInt64(StunAttributeType type, out ulong result)
    {
        bool found = TryGetAttribute(type, out ReadOnlySpan<byte> value);
        result = found ? BinaryPrimitives.ReadUInt64BigEndian(value) : 0;
        return found;
    }

    private bool TryGetAddress(StunAttributeType type, bool xor, out StunAddress address)
    {
        if (TryGetAttribute(type, out ReadOnlySpan<byte> value))
        {
            return StunAddressCodec.TryRead(value, xor, TransactionId, out address);
        }

        address = default;
        return false;
    }
}
