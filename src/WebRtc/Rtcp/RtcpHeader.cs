using System.Buffers.Binary;

namespace Serverless.WebRtc.Rtcp;

/// <summary>
/// The 4-byte header every RTCP packet starts with (RFC 3550 §6.4.1): V=2, P, a 5-bit count (RC, SC or
/// subtype, by type), packet type, and the length in 32-bit words minus one, including header and padding.
/// </summary>
internal readonly record struct RtcpHeader
{
    /// <summary>Size of the header.</summary>
    public const int Size = 4;

    /// <summary>RTP/RTCP version 2.</summary>
    public const int RtcpVersion = 2;

    /// <summary>The count field is 5 bits.</summary>
    public const byte MaxCount = 31;

    private readonly byte _count;

    /// <summary>The P bit: the packet ends with padding whose last octet is its count.</summary>
    public bool HasPadding { get; init; }

    /// <summary>The 5-bit count field (report count, source count, APP subtype or feedback FMT).</summary>
    public byte Count
    {
        get => _count;
        init => _count = value <= MaxCount
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "The count field is 5 bits (0-31).");
    }

    /// <summary>Packet type.</summary>
    public RtcpPacketType PacketType { get; init; }

    /// <summary>The raw length field: packet length in 32-bit words minus one.</summary>
    public ushort LengthInWordsMinusOne { get; init; }

    /// <summary>Packet length in bytes, header and padding included.</summary>
    public int PacketLength => (LengthInWordsMinusOne + 1) * 4;

    /// <summary>Header for a packet of <paramref name="packetLength"/> bytes (a multiple of 4, at least 4).</summary>
    public static RtcpHeader ForLength(RtcpPacketType packetType, byte count, int packetLength, bool hasPadding = false)
    {
        if (packetLength < Size || packetLength % 4 != 0 || packetLength / 4 > ushort.MaxValue + 1)
        {
            throw new ArgumentOutOfRangeException(nameof(packetLength), packetLength, "RTCP packets are 4 to 262144 bytes in whole words.");
        }

        return new RtcpHeader
        {
            HasPadding = hasPadding,
            Count = count,
            PacketType = packetType,
            LengthInWordsMinusOne = (ushort)((packetLength / 4) - 1),
        };
    }

    /// <summary>Parses the header at the start of <paramref name="data"/>; false when short or not version 2.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out RtcpHeader header)
    {
        header = default;
        if (data.Length < Size || data[0] >> 6 != RtcpVersion)
        {
            return false;
        }

        header = new RtcpHeader
        {
            HasPadding = (data[0] & 0x20) != 0,
            Count = (byte)(data[0] & 0x1F),
            PacketType = (RtcpPacketType)data[1],
            LengthInWordsMinusOne = BinaryPrimitives.ReadUInt16BigEndian(data[2..]),
        };
        return true;
    }

    /// <summary>Writes the header; false when fewer than 4 bytes of room.</summary>
    public bool TryWrite(Span<byte> destination, out int written)
    {
        written = 0;
        if (destination.Length < Size)
        {
            return false;
        }

        destination[0] = (byte)((RtcpVersion << 6) | (HasPadding ? 0x20 : 0) | Count);
        destination[1] = (byte)PacketType;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], LengthInWordsMinusOne);
        written = Size;
        return true;
    }

    /// <summary>
    /// True when a datagram on an rtcp-mux port is RTCP rather than RTP: the second octet, read as an RTCP
    /// packet type, is in 192-223, which no dynamic RTP payload type with marker maps to (RFC 5761 §4).
    /// </summary>
    public static bool IsRtcp(ReadOnlySpan<byte> datagram) =>
        datagram.Length >= Size && datagram[0] >> 6 == RtcpVersion && datagram[1] is >= 192 and <= 223;
}
