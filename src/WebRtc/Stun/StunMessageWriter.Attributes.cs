using System.Buffers.Binary;
using System.Text;

namespace Serverless.WebRtc.Stun;

/// <summary>Typed attribute appenders.</summary>
internal ref partial struct StunMessageWriter
{
    /// <summary>Largest ERROR-CODE reason phrase in bytes (RFC 8489 §14.8: under 128 characters, at most 763 bytes).</summary>
    public const int MaxReasonBytes = 763;

    /// <summary>USERNAME from UTF-8 bytes (RFC 8489 §14.3).</summary>
    public bool TryAddUsername(scoped ReadOnlySpan<byte> username) => TryAddAttribute(StunAttributeType.Username, username);

    /// <summary>USERNAME from text, encoded as UTF-8 in place.</summary>
    public bool TryAddUsername(scoped ReadOnlySpan<char> username) => TryAddText(StunAttributeType.Username, username);

    /// <summary>SOFTWARE from text (RFC 8489 §14.14).</summary>
    public bool TryAddSoftware(scoped ReadOnlySpan<char> software) => TryAddText(StunAttributeType.Software, software);

    /// <summary>REALM from text (RFC 8489 §14.9).</summary>
    public bool TryAddRealm(scoped ReadOnlySpan<char> realm) => TryAddText(StunAttributeType.Realm, realm);

    /// <summary>NONCE from text (RFC 8489 §14.10).</summary>
    public bool TryAddNonce(scoped ReadOnlySpan<char> nonce) => TryAddText(StunAttributeType.Nonce, nonce);

    /// <summary>PRIORITY (RFC 8445 §7.1.1).</summary>
    public bool TryAddPriority(uint priority)
    {
        Span<byte> value = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(value, priority);
        return TryAddAttribute(StunAttributeType.Priority, value);
    }

    /// <summary>USE-CANDIDATE, empty (RFC 8445 §7.1.2).</summary>
    public bool TryAddUseCandidate() => TryAddAttribute(StunAttributeType.UseCandidate, []);

    /// <summary>ICE-CONTROLLING with the agent's tie-breaker (RFC 8445 §7.1.3).</summary>
    public bool TryAddIceControlling(ulong tieBreaker) => TryAddUInt64(StunAttributeType.IceControlling, tieBreaker);

    /// <summary>ICE-CONTROLLED with the agent's tie-breaker (RFC 8445 §7.1.3).</summary>
    public bool TryAddIceControlled(ulong tieBreaker) => TryAddUInt64(StunAttributeType.IceControlled, tieBreaker);

    /// <summary>XOR-MAPPED-ADDRESS, XORed with the cookie and, for IPv6, this message's transaction id (RFC 8489 §14.2).</summary>
    public bool TryAddXorMappedAddress(StunAddress address) => TryAddAddress(StunAttributeType.XorMappedAddress, address, xor: true);

    /// <summary>MAPPED-ADDRESS (RFC 8489 §14.1), for RFC 3489 era clients.</summary>
    public bool TryAddMappedAddress(StunAddress address) => TryAddAddress(StunAttributeType.MappedAddress, address, xor: false);

    /// <summary>ERROR-CODE with the RFC's default reason phrase.</summary>
    public bool TryAddErrorCode(StunErrorCode code) => TryAddErrorCode(code, code.DefaultReason());

    /// <summary>ERROR-CODE: 21 reserved zero bits, 3-bit class, 8-bit number, UTF-8 reason (RFC 8489 §14.8).</summary>
    public bool TryAddErrorCode(StunErrorCode code, scoped ReadOnlySpan<char> reason)
    {
        if (!code.IsEncodable())
        {
            throw new ArgumentOutOfRangeException(nameof(code), code, "ERROR-CODE carries 300-699.");
        }

        int reasonBytes = Encoding.UTF8.GetByteCount(reason);
        if (reasonBytes > MaxReasonBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(reason), reasonBytes, "RFC 8489 §14.8: at most 763 bytes.");
        }

        RequireStage(Stage.Attributes, StunAttributeType.ErrorCode);
        if (!TryReserve(StunAttributeType.ErrorCode, 4 + reasonBytes, out Span<byte> value))
        {
            return false;
        }

        value[0] = 0;
        value[1] = 0;
        value[2] = (byte)code.ErrorClass();
        value[3] = (byte)code.ErrorNumber();
        Encoding.UTF8.GetBytes(reason, value[4..]);
        return true;
    }

    /// <summary>UNKNOWN-ATTRIBUTES listing the types a 420 response rejects (RFC 8489 §14.13).</summary>
    public bool TryAddUnknownAttributes(scoped ReadOnlySpan<StunAttributeType> types)
    {
        RequireStage(Stage.Attributes, StunAttributeType.UnknownAttributes);
        if (!TryReserve(StunAttributeType.UnknownAttributes, 2 * types.Length, out Span<byte> value))
        {
            return false;
        }

        for (int i = 0; i < types.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(value[(2 * i)..], (ushort)types[i]);
        }

        return true;
    }

    private bool TryAddUInt64(StunAttributeType type, ulong number)
    {
        Span<byte> value = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(value, number);
        return TryAddAttribute(type, value);
    }

    private bool TryAddAddress(StunAttributeType type, StunAddress address, bool xor)
    {
        if (address.Family == default)
        {
            throw new ArgumentException("The address is empty.", nameof(address));
        }

        Span<byte> value = stackalloc byte[20];
        StunAddressCodec.TryWrite(address, xor, TransactionId, value, out int written);
        return TryAddAttribute(type, value[..written]);
    }
}
