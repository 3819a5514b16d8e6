using System.Buffers.Binary;

namespace Serverless.WebRtc.Rtp;

/// <summary>
/// The RTP fixed header, CSRC list and optional header extension (RFC 3550 §5.1, §5.3.1).
/// After <see cref="TryParse"/> the CSRCs and the extension data are views into the packet, so parsing
/// never allocates; for writing, set the init properties (they validate ranges) and call <see cref="TryWrite"/>.
/// </summary>
public readonly ref struct RtpHeader
{
    /// <summary>Size of the fixed part of the header (RFC 3550 §5.1).</summary>
    public const int FixedLength = 12;

    /// <summary>The only RTP version in use (RFC 3550 §5.1, V=2).</summary>
    public const int RtpVersion = 2;

    /// <summary>The CC field is 4 bits.</summary>
    public const int MaxCsrcCount = 15;

    /// <summary>Largest 7-bit payload type.</summary>
    public const byte MaxPayloadType = 127;

    /// <summary>Size of the extension preamble: 16-bit profile and 16-bit length in words (RFC 3550 §5.3.1).</summary>
    public const int ExtensionPreambleLength = 4;

    private const int MaxExtensionLength = ushort.MaxValue * 4;

    private readonly byte _payloadType;
    private readonly SsrcList _csrcs;
    private readonly ReadOnlySpan<byte> _extensionData;

    /// <summary>The P bit: the packet ends with padding whose last octet is its count (RFC 3550 §5.1).</summary>
    public bool HasPadding { get; init; }

    /// <summary>The M bit; for audio it marks the first packet after silence (RFC 3551 §4.1).</summary>
    public bool Marker { get; init; }

    /// <summary>7-bit payload type.</summary>
    public byte PayloadType
    {
        get => _payloadType;
        init => _payloadType = value <= MaxPayloadType
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "The payload type is a 7-bit field.");
    }

    /// <summary>16-bit sequence number (wraps; compare with <see cref="Rtp.SequenceNumber"/>).</summary>
    public ushort SequenceNumber { get; init; }

    /// <summary>32-bit media timestamp.</summary>
    public uint Timestamp { get; init; }

    /// <summary>Synchronisation source.</summary>
    public uint Ssrc { get; init; }

    /// <summary>Contributing sources (at most 15).</summary>
    internal SsrcList Csrcs
    {
        get => _csrcs;
        init => _csrcs = value.Count <= MaxCsrcCount
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value.Count, "At most 15 CSRCs fit the CC field.");
    }

    /// <summary>The X bit: a header extension follows the CSRC list.</summary>
    public bool HasExtension { get; init; }

    /// <summary>The 16-bit "defined by profile" value, e.g. 0xBEDE for RFC 8285 one-byte elements.</summary>
    public ushort ExtensionProfile { get; init; }

    /// <summary>Extension data after the 4-byte preamble; a whole number of 32-bit words.</summary>
    public ReadOnlySpan<byte> ExtensionData
    {
        get => _extensionData;
        init => _extensionData = value.Length % 4 == 0 && value.Length <= MaxExtensionLength
            ? value
            : throw new ArgumentException("Extension data is a whole number of 32-bit words (at most 65535).", nameof(value));
    }

    /// <summary>Total header length in bytes: fixed part, CSRCs and extension.</summary>
    public int Length => FixedLength + Csrcs.Length + (HasExtension ? ExtensionPreambleLength + ExtensionData.Length : 0);

    /// <summary>Same as <see cref="Length"/>; the size <see cref="TryWrite"/> needs.</summary>
    public int GetSize() => Length;

    /// <summary>
    /// Parses the header at the start of <paramref name="packet"/>. Returns false, never throws, when the
    /// version is not 2 or the CSRC list or extension runs past the end of the data.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> packet, out RtpHeader header)
    {
        header = default;
        if (packet.Length < FixedLength || packet[0] >> 6 != RtpVersion)
        {
            return false;
        }

        var first = packet[0];
        var csrcCount = first & 0x0F;
        var offset = FixedLength + (csrcCount * 4);
        if (packet.Length < offset)
        {
            return false;
        }

        var hasExtension = (first & 0x10) != 0;
        ushort profile = 0;
        var extensionData = ReadOnlySpan<byte>.Empty;
        if (hasExtension)
        {
            if (packet.Length < offset + ExtensionPreambleLength)
            {
                return false;
            }

            profile = BinaryPrimitives.ReadUInt16BigEndian(packet[offset..]);
            var extensionLength = BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + 2)..]) * 4;
            offset += ExtensionPreambleLength;
            if (packet.Length - offset < extensionLength)
            {
                return false;
            }

            extensionData = packet.Slice(offset, extensionLength);
        }

        header = new RtpHeader
        {
            HasPadding = (first & 0x20) != 0,
            Marker = (packet[1] & 0x80) != 0,
            PayloadType = (byte)(packet[1] & 0x7F),
            SequenceNumber = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]),
            Timestamp = BinaryPrimitives.ReadUInt32BigEndian(packet[4..]),
            Ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[8..]),
            Csrcs = SsrcList.FromWire(packet.Slice(FixedLength, csrcCount * 4)),
            HasExtension = hasExtension,
            ExtensionProfile = profile,
            ExtensionData = extensionData,
        };
        return true;
    }

    /// <summary>Writes the header; false (nothing meaningful written) when <paramref name="destination"/> is too small.</summary>
    public bool TryWrite(Span<byte> destination, out int written)
    {
        written = 0;
        var length = Length;
        if (destination.Length < length)
        {
            return false;
        }

        destination[0] = (byte)((RtpVersion << 6) | (HasPadding ? 0x20 : 0) | (HasExtension ? 0x10 : 0) | Csrcs.Count);
        destination[1] = (byte)((Marker ? 0x80 : 0) | PayloadType);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], SequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], Timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], Ssrc);
        Csrcs.TryWrite(destination[FixedLength..], out var csrcBytes);
        var offset = FixedLength + csrcBytes;
        if (HasExtension)
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination[offset..], ExtensionProfile);
            BinaryPrimitives.WriteUInt16BigEndian(destination[(offset + 2)..], (ushort)(ExtensionData.Length / 4));
            ExtensionData.CopyTo(destination[(offset + ExtensionPreambleLength)..]);
        }

        written = length;
        return true;
    }
}
