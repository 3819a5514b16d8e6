using System.Buffers.Binary;

namespace Serverless.WebRtc.Rtcp;

/// <summary>The 20-byte sender information section of an SR (RFC 3550 §6.4.1).</summary>
internal readonly record struct SenderInfo
{
    /// <summary>Size on the wire.</summary>
    public const int Size = 20;

    /// <summary>Wallclock time when the report was sent.</summary>
    public NtpTimestamp NtpTime { get; init; }

    /// <summary>The same instant in the RTP timestamp units of the stream.</summary>
    public uint RtpTimestamp { get; init; }

    /// <summary>RTP data packets sent since the start of transmission.</summary>
    public uint PacketCount { get; init; }

    /// <summary>RTP payload octets sent since the start of transmission (headers and padding excluded).</summary>
    public uint OctetCount { get; init; }

    /// <summary>Parses sender info at the start of <paramref name="data"/>; false when fewer than 20 bytes.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out SenderInfo info)
    {
        if (data.Length < Size)
        {
            info = default;
            return false;
        }

        info = Read(data);
        return true;
    }

    /// <summary>Reads sender info from at least 20 bytes.</summary>
    internal static SenderInfo Read(ReadOnlySpan<byte> data) =>
        new()
        {
            NtpTime = new NtpTimestamp(BinaryPrimitives.ReadUInt64BigEndian(data)),
            RtpTimestamp = BinaryPrimitives.ReadUInt32BigEndian(data[8..]),
            PacketCount = BinaryPrimitives.ReadUInt32BigEndian(data[12..]),
            OctetCount = BinaryPrimitives.ReadUInt32BigEndian(data[16..]),
        };

    /// <summary>Writes sender info; false when fewer than 20 bytes of room.</summary>
    public bool TryWrite(Span<byte> destination, out int written)
    {
        written = 0;
        if (destination.Length < Size)
        {
            return false;
        }

        BinaryPrimitives.WriteUInt64BigEndian(destination, NtpTime.Value);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], RtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[12..], PacketCount);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], OctetCount);
        written = Size;
        return true;
    }
}
