using System.Buffers.Binary;

namespace Serverless.WebRtc.Rtcp;

/// <summary>
/// APP (RFC 3550 §6.7): 5-bit subtype, SSRC, 4-octet ASCII name and application data in whole words.
/// Carried through as-is; parsed views point into the packet.
/// </summary>
internal readonly ref struct ApplicationDefined
{
    /// <summary>The name is exactly four octets.</summary>
    public const int NameLength = 4;

    private const int FixedLength = RtcpHeader.Size + 4 + NameLength;

    private readonly byte _subtype;
    private readonly ReadOnlySpan<byte> _name;
    private readonly ReadOnlySpan<byte> _data;

    /// <summary>An empty packet; set the init properties.</summary>
    public ApplicationDefined()
    {
    }

    // Parsed values: data may end in a partial word when the packet was padded.
    private ApplicationDefined(byte subtype, uint ssrc, ReadOnlySpan<byte> name, ReadOnlySpan<byte> data)
    {
        _subtype = subtype;
        Ssrc = ssrc;
        _name = name;
        _data = data;
    }

    /// <summary>Application-defined subtype (the 5-bit count field).</summary>
    public byte Subtype
    {
        get => _subtype;
        init => _subtype = value <= RtcpHeader.MaxCount
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "The subtype is 5 bits (0-31).");
    }

    /// <summary>SSRC/CSRC of the originator.</summary>
    public uint Ssrc { get; init; }

    /// <summary>Four ASCII octets naming the application.</summary>
    public ReadOnlySpan<byte> Name
    {
        get => _name;
        init => _name = value.Length == NameLength
            ? value
            : throw new ArgumentException("An APP name is exactly 4 octets.", nameof(value));
    }

    /// <summary>Application data.</summary>
    public ReadOnlySpan<byte> Data
    {
        get => _data;
        init => _data = value.Length % 4 == 0
            ? value
            : throw new ArgumentException("APP data is whole 32-bit words.", nameof(value));
    }

    /// <summary>Packet length in bytes.</summary>
    public int Length => FixedLength + Data.Length;

    /// <summary>Same as <see cref="Length"/>.</summary>
    public int GetSize() => Length;

    /// <summary>Parses the APP packet at the start of <paramref name="data"/>; false when malformed.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out ApplicationDefined application)
    {
        application = default;
        if (!RtcpPacket.TryParse(data, RtcpPacketType.ApplicationDefined, out var packet) || packet.Body.Length < 4 + NameLength)
        {
            return false;
        }

        var body = packet.Body;
        application = new ApplicationDefined(
            packet.Header.Count,
            BinaryPrimitives.ReadUInt32BigEndian(body),
            body.Slice(4, NameLength),
            body[(4 + NameLength)..]);
        return true;
    }

    /// <summary>Writes the packet; false when too small, or when the name is unset or data not whole words.</summary>
    public bool TryWrite(Span<byte> destination, out int written)
    {
        written = 0;
        var length = Length;
        if (destination.Length < length || Name.Length != NameLength || Data.Length % 4 != 0)
        {
            return false;
        }

        RtcpHeader.ForLength(RtcpPacketType.ApplicationDefined, Subtype, length).TryWrite(destination, out _);
        BinaryPrimitives.WriteUInt32BigEndian(destination[RtcpHeader.Size..], Ssrc);
        Name.CopyTo(destination[(RtcpHeader.Size + 4)..]);
        Data.CopyTo(destination[FixedLength..]);
        written = length;
        return true;
    }
}
