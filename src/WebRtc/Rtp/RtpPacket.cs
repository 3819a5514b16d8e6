namespace Serverless.WebRtc.Rtp;

/// <summary>
/// A whole RTP packet viewed as header, payload and padding (RFC 3550 §5.1). Parsing removes the padding
/// after checking its count; writing appends zero padding ending in its count when <see cref="PaddingLength"/> &gt; 0.
/// </summary>
public readonly ref struct RtpPacket
{
    /// <summary>The header. On write its P bit is taken from <see cref="PaddingLength"/>, not from the header.</summary>
    public RtpHeader Header { get; init; }

    /// <summary>The payload, without padding.</summary>
    public ReadOnlySpan<byte> Payload { get; init; }

    /// <summary>Number of padding octets at the end, including the count octet itself; 0 for none.</summary>
    public byte PaddingLength { get; init; }

    /// <summary>Total packet length in bytes.</summary>
    public int Length => Header.Length + Payload.Length + PaddingLength;

    /// <summary>Same as <see cref="Length"/>; the size <see cref="TryWrite"/> needs.</summary>
    public int GetSize() => Length;

    /// <summary>
    /// Parses a whole datagram as one RTP packet. Returns false, never throws, when the header is malformed or
    /// the padding count is zero or larger than what follows the header (RFC 3550 §5.1: the last octet of the
    /// padding counts how many octets to ignore, including itself).
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> packet, out RtpPacket rtpPacket)
    {
        rtpPacket = default;
        if (!RtpHeader.TryParse(packet, out var header))
        {
            return false;
        }

        var body = packet[header.Length..];
        byte padding = 0;
        if (header.HasPadding)
        {
            if (body.IsEmpty)
            {
                return false;
            }

            padding = body[^1];
            if (padding == 0 || padding > body.Length)
            {
                return false;
            }
        }

        rtpPacket = new RtpPacket
        {
            Header = header,
            Payload = body[..^padding],
            PaddingLength = padding,
        };
        return true;
    }

    /// <summary>Writes header, payload and padding; false when <paramref name="destination"/> is too small.</summary>
    public bool TryWrite(Span<byte> destination, out int written)
    {
        written = 0;
        var header = Header with { HasPadding = PaddingLength > 0 };
        var length = header.Length + Payload.Length + PaddingLength;
        if (destination.Length < length || !header.TryWrite(destination, out var headerLength))
        {
            return false;
        }

        Payload.CopyTo(destination[headerLength..]);
        if (PaddingLength > 0)
        {
            var padding = destination.Slice(headerLength + Payload.Length, PaddingLength);
            padding.Clear();
            padding[^1] = PaddingLength;
        }

        written = length;
        return true;
    }
}
