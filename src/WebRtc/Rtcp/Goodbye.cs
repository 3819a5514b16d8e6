using Serverless.WebRtc.Rtp;

namespace Serverless.WebRtc.Rtcp;

/// <summary>
/// BYE (RFC 3550 §6.6): the sources leaving, and optionally a reason (8-bit length and text, padded with
/// nulls to a 32-bit boundary). Parsed views point into the packet; build one with init properties.
/// </summary>
internal readonly ref struct Goodbye
{
    /// <summary>Reason text is at most 255 bytes.</summary>
    public const int MaxReasonLength = 255;

    private readonly SsrcList _sources;
    private readonly ReadOnlySpan<byte> _reason;

    /// <summary>The leaving SSRC/CSRCs (at most 31).</summary>
    public SsrcList Sources
    {
        get => _sources;
        init => _sources = value.Count <= RtcpHeader.MaxCount
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value.Count, "At most 31 sources fit the SC field.");
    }

    /// <summary>Reason for leaving (UTF-8); empty when none was given.</summary>
    public ReadOnlySpan<byte> Reason
    {
        get => _reason;
        init => _reason = value.Length <= MaxReasonLength
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value.Length, "A BYE reason is at most 255 bytes.");
    }

    /// <summary>Packet length in bytes.</summary>
    public int Length => RtcpHeader.Size + Sources.Length + (Reason.IsEmpty ? 0 : (1 + Reason.Length + 3) & ~3);

    /// <summary>Same as <see cref="Length"/>.</summary>
    public int GetSize() => Length;

    /// <summary>Parses the BYE at the start of <paramref name="data"/>; false when sources or reason run past it.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out Goodbye goodbye)
    {
        goodbye = default;
        if (!RtcpPacket.TryParse(data, RtcpPacketType.Goodbye, out var packet))
        {
            return false;
        }

        var body = packet.Body;
        var sourcesLength = packet.Header.Count * 4;
        if (body.Length < sourcesLength)
        {
            return false;
        }

        var rest = body[sourcesLength..];
        var reason = ReadOnlySpan<byte>.Empty;
        if (!rest.IsEmpty)
        {
            if (rest.Length < 1 + rest[0])
            {
                return false;
            }

            reason = rest.Slice(1, rest[0]);
        }

        goodbye = new Goodbye
        {
            Sources = SsrcList.FromWire(body[..sourcesLength]),
            Reason = reason,
        };
        return true;
    }

    /// <summary>Writes the BYE; false when <paramref name="destination"/> is too small.</summary>
    public bool TryWrite(Span<byte> destination, out int written)
    {
        written = 0;
        var length = Length;
        if (destination.Length < length)
        {
            return false;
        }

        RtcpHeader.ForLength(RtcpPacketType.Goodbye, (byte)Sources.Count, length).TryWrite(destination, out _);
        Sources.TryWrite(destination[RtcpHeader.Size..], out var sourcesLength);
        if (!Reason.IsEmpty)
        {
            var reasonField = destination[(RtcpHeader.Size + sourcesLength)..length];
            reasonField.Clear();
            reasonField[0] = (byte)Reason.Length;
            Reason.CopyTo(reasonField[1..]);
        }

        written = length;
        return true;
    }
}
