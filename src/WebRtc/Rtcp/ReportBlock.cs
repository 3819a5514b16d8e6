using System.Buffers.Binary;

namespace Serverless.WebRtc.Rtcp;

/// <summary>One reception report block of an SR or RR, 24 bytes (RFC 3550 §6.4.1).</summary>
internal readonly record struct ReportBlock
{
    /// <summary>Size on the wire.</summary>
    public const int Size = 24;

    /// <summary>Largest value of the signed 24-bit cumulative-lost field.</summary>
    public const int MaxCumulativeLost = 0x7F_FFFF;

    /// <summary>Smallest value of the signed 24-bit cumulative-lost field.</summary>
    public const int MinCumulativeLost = -0x80_0000;

    private readonly int _cumulativeLost;

    /// <summary>SSRC of the source this block reports on.</summary>
    public uint Ssrc { get; init; }

    /// <summary>Fraction of packets lost since the last report, as a fixed-point number with the point at the left.</summary>
    public byte FractionLost { get; init; }

    /// <summary>Cumulative packets lost, signed 24 bits: negative when duplicates outnumber losses.</summary>
    public int CumulativeLost
    {
        get => _cumulativeLost;
        init => _cumulativeLost = value is >= MinCumulativeLost and <= MaxCumulativeLost
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "Cumulative lost is a signed 24-bit field; clamp with ClampCumulativeLost.");
    }

    /// <summary>Extended highest sequence number received: cycles in the high 16 bits.</summary>
    public uint ExtendedHighestSequence { get; init; }

    /// <summary>Interarrival jitter, in timestamp units.</summary>
    public uint Jitter { get; init; }

    /// <summary>LSR: middle 32 bits of the NTP timestamp of the last SR received from the source, or 0.</summary>
    public uint LastSenderReport { get; init; }

    /// <summary>DLSR: delay since that SR, in units of 1/65536 s, or 0.</summary>
    public uint DelaySinceLastSenderReport { get; init; }

    /// <summary>Saturates a loss count to the signed 24-bit range (RFC 3550 Appendix A.3 clamps likewise).</summary>
    public static int ClampCumulativeLost(long lost) => (int)Math.Clamp(lost, MinCumulativeLost, MaxCumulativeLost);

    /// <summary>Parses a block at the start of <paramref name="data"/>; false when fewer than 24 bytes.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out ReportBlock block)
    {
        if (data.Length < Size)
        {
            block = default;
            return false;
        }

        block = Read(data);
        return true;
    }

    /// <summary>Reads a block from at least 24 bytes.</summary>
    internal static ReportBlock Read(ReadOnlySpan<byte> data)
    {
        var lossWord = BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
        return new ReportBlock
        {
            Ssrc = BinaryPrimitives.ReadUInt32BigEndian(data),
            FractionLost = (byte)(lossWord >> 24),
            CumulativeLost = (int)(lossWord << 8) >> 8, // sign-extend the low 24 bits
            ExtendedHighestSequence = BinaryPrimitives.ReadUInt32BigEndian(data[8..]),
            Jitter = BinaryPrimitives.ReadUInt32BigEndian(data[12..]),
            LastSenderReport = BinaryPrimitives.ReadUInt32BigEndian(data[16..]),
            DelaySinceLastSenderReport = BinaryPrimitives.ReadUInt32BigEndian(data[20..]),
        };
    }

    /// <summary>Writes the block; false when fewer than 24 bytes of room.</summary>
    public bool TryWrite(Span<byte> destination, out int written)
    {
        written = 0;
        if (destination.Length < Size)
        {
            return false;
        }

        BinaryPrimitives.WriteUInt32BigEndian(destination, Ssrc);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ((uint)FractionLost << 24) | ((uint)CumulativeLost & 0xFF_FFFF));
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], ExtendedHighestSequence);
        BinaryPrimitives.WriteUInt32BigEndian(destination[12..], Jitter);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], LastSenderReport);
        BinaryPrimitives.WriteUInt32BigEndian(destination[20..], DelaySinceLastSenderReport);
        written = Size;
        return true;
    }
}
