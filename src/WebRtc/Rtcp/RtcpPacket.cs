namespace Serverless.WebRtc.Rtcp;

/// <summary>
/// One validated RTCP packet of any type: its header, its exact bytes and its body without padding.
/// Unknown types (e.g. 205/206 feedback) are carried this way untouched; known types parse further from
/// <see cref="Bytes"/> with their own <c>TryParse</c>.
/// </summary>
internal readonly ref struct RtcpPacket
{
    private RtcpPacket(RtcpHeader header, ReadOnlySpan<byte> bytes, int paddingLength)
    {
        Header = header;
        Bytes = bytes;
        PaddingLength = paddingLength;
    }

    /// <summary>The common header.</summary>
    public RtcpHeader Header { get; }

    /// <summary>The whole packet, header and padding included (length = <see cref="RtcpHeader.PacketLength"/>).</summary>
    public ReadOnlySpan<byte> Bytes { get; }

    /// <summary>Padding octets at the end, including the count octet; 0 when the P bit is clear.</summary>
    public int PaddingLength { get; }

    /// <summary>The type-specific part: after the 4-byte header, before any padding.</summary>
    public ReadOnlySpan<byte> Body => Bytes[RtcpHeader.Size..^PaddingLength];

    /// <summary>
    /// Parses the packet at the start of <paramref name="data"/> (bytes after it are ignored). False, never
    /// throws, when the header is short or not version 2, the length field runs past the data, or the padding
    /// count is zero or larger than the body (RFC 3550 §6.4.1, Appendix A.2).
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out RtcpPacket packet)
    {
        packet = default;
        if (!RtcpHeader.TryParse(data, out var header) || header.PacketLength > data.Length)
        {
            return false;
        }

        var bytes = data[..header.PacketLength];
        var padding = 0;
        if (header.HasPadding)
        {
            padding = bytes[^1];
            if (padding == 0 || padding > bytes.Length - RtcpHeader.Size)
            {
                return false;
            }
        }

        packet = new RtcpPacket(header, bytes, padding);
        return true;
    }

    /// <summary>Parses <paramref name="data"/> as one packet of <paramref name="packetType"/>; false otherwise.</summary>
    internal static bool TryParse(ReadOnlySpan<byte> data, RtcpPacketType packetType, out RtcpPacket packet) =>
        TryParse(data, out packet) && packet.Header.PacketType == packetType;
}
