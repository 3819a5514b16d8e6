using System.Buffers.Binary;

namespace Serverless.WebRtc.Stun;

/// <summary>Cheap pre-parse test for STUN on a multiplexed socket.</summary>
internal static class StunPacket
{
    /// <summary>
    /// True when the bytes look like an RFC 8489 message: at least a header, the two leading bits
    /// zero, the magic cookie, and a length field that is a multiple of 4 and matches the datagram
    /// (RFC 8489 §6.3). Does not validate attributes; use <see cref="StunMessage.TryParse(ReadOnlySpan{byte}, out StunMessageView)"/>.
    /// </summary>
    public static bool IsStun(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < StunMessage.HeaderLength || (packet[0] & 0xC0) != 0)
        {
            return false;
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        return BinaryPrimitives.ReadUInt32BigEndian(packet[4..]) == StunMessage.MagicCookie
            && (length & 3) == 0
            && StunMessage.HeaderLength + length == packet.Length;
    }
}
