using System.Buffers.Binary;
using System.Net.Sockets;

namespace Serverless.WebRtc.Stun;

/// <summary>Wire form of MAPPED-ADDRESS (RFC 8489 §14.1) and XOR-MAPPED-ADDRESS (RFC 8489 §14.2).</summary>
internal static class StunAddressCodec
{
    /// <summary>
    /// Reads an address value. When <paramref name="xor"/> is set, the port is XORed with the top
    /// 16 bits of the magic cookie, an IPv4 address with the cookie, and an IPv6 address with the
    /// cookie followed by the transaction id (RFC 8489 §14.2).
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> value, bool xor, StunTransactionId transactionId, out StunAddress address)
    {
        address = default;
        // The first byte is reserved and "MUST be ignored by receivers" (RFC 8489 §14.1).
        if (value.Length < 4)
        {
            return false;
        }

        ushort port = BinaryPrimitives.ReadUInt16BigEndian(value[2..]);
        if (xor)
        {
            port ^= (ushort)(StunMessage.MagicCookie >> 16);
        }

        switch (value[1])
        {
            case StunAddress.FamilyIPv4 when value.Length == 8:
                uint v4 = BinaryPrimitives.ReadUInt32BigEndian(value[4..]);
                address = StunAddress.FromIPv4(xor ? v4 ^ StunMessage.MagicCookie : v4, port);
                return true;
            case StunAddress.FamilyIPv6 when value.Length == 20:
                UInt128 v6 = BinaryPrimitives.ReadUInt128BigEndian(value[4..]);
                address = StunAddress.FromIPv6(xor ? v6 ^ Ipv6Mask(transactionId) : v6, port);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Writes an address value (8 or 20 bytes), XORed as in <see cref="TryRead"/> when asked.</summary>
    public static bool TryWrite(StunAddress address, bool xor, StunTransactionId transactionId, Span<byte> destination, out int written)
    {
        written = 0;
        int length = address.WireLength;
        if (destination.Length < length)
        {
            return false;
        }

        destination[0] = 0;
        ushort port = xor ? (ushort)(address.Port ^ (StunMessage.MagicCookie >> 16)) : address.Port;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], port);
        if (address.Family == AddressFamily.InterNetwork)
        {
            destination[1] = StunAddress.FamilyIPv4;
            uint v4 = (uint)address.AddressBits;
            BinaryPrimitives.WriteUInt32BigEndian(destination[4..], xor ? v4 ^ StunMessage.MagicCookie : v4);
        }
        else
        {
            destination[1] = StunAddress.FamilyIPv6;
            UInt128 v6 = address.AddressBits;
            BinaryPrimitives.WriteUInt128BigEndian(destination[4..], xor ? v6 ^ Ipv6Mask(transactionId) : v6);
        }

        written = length;
        return true;
    }

    private static UInt128 Ipv6Mask(StunTransactionId transactionId) =>
        ((UInt128)StunMessage.MagicCookie << 96) | transactionId.ToUInt128();
}
