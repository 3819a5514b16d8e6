namespace Serverless.WebRtc.Rtcp;

/// <summary>
/// Reads the packets of an RTCP datagram in order, validating each (version 2, length within the datagram,
/// padding count sane, padding only on the last packet). Stops at the first malformed packet and reports why
/// in <see cref="Error"/>; packets before it stand. Never allocates, never throws on input.
/// </summary>
internal ref struct RtcpCompoundReader
{
    private readonly ReadOnlySpan<byte> _datagram;
    private int _offset;

    /// <summary>Reads <paramref name="datagram"/>.</summary>
    public RtcpCompoundReader(ReadOnlySpan<byte> datagram)
    {
        _datagram = datagram;
    }

    /// <summary>Why reading stopped early; <see cref="RtcpReadError.None"/> while fine.</summary>
    public RtcpReadError Error { get; private set; }

    /// <summary>Number of packets read so far.</summary>
    public int PacketsRead { get; private set; }

    /// <summary>True when the whole datagram was read without error.</summary>
    public readonly bool IsComplete => Error == RtcpReadError.None && _offset == _datagram.Length;

    /// <summary>Reads the next packet; false at the end of the datagram or on a malformed packet.</summary>
    public bool TryReadNext(out RtcpPacket packet)
    {
        packet = default;
        if (Error != RtcpReadError.None || _offset >= _datagram.Length)
        {
            return false;
        }

        var rest = _datagram[_offset..];
        if (!RtcpPacket.TryParse(rest, out packet))
        {
            Error = Diagnose(rest);
            return false;
        }

        if (packet.Header.HasPadding && packet.Bytes.Length != rest.Length)
        {
            packet = default;
            Error = RtcpReadError.PaddingNotLast;
            return false;
        }

        _offset += packet.Bytes.Length;
        PacketsRead++;
        return true;
    }

    /// <summary>
    /// Validates a whole datagram. A compound packet must start with SR or RR (RFC 3550 §6.1, Appendix A.2);
    /// anything else that is well formed is accepted as reduced-size RTCP (RFC 5506 §3.1).
    /// </summary>
    public static RtcpDatagramKind Classify(ReadOnlySpan<byte> datagram)
    {
        var reader = new RtcpCompoundReader(datagram);
        var first = default(RtcpPacketType);
        while (reader.TryReadNext(out var packet))
        {
            if (reader.PacketsRead == 1)
            {
                first = packet.Header.PacketType;
            }
        }

        if (!reader.IsComplete || reader.PacketsRead == 0)
        {
            return RtcpDatagramKind.Invalid;
        }

        return first is RtcpPacketType.SenderReport or RtcpPacketType.ReceiverReport
            ? RtcpDatagramKind.Compound
            : RtcpDatagramKind.ReducedSize;
    }

    private static RtcpReadError Diagnose(ReadOnlySpan<byte> rest)
    {
        if (rest.Length < RtcpHeader.Size)
        {
            return RtcpReadError.Truncated;
        }

        if (!RtcpHeader.TryParse(rest, out var header))
        {
            return RtcpReadError.UnsupportedVersion;
        }

        return header.PacketLength > rest.Length ? RtcpReadError.Truncated : RtcpReadError.InvalidPadding;
    }
}
