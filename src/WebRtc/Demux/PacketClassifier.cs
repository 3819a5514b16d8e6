namespace Serverless.WebRtc.Demux;

/// <summary>
/// First-byte demultiplexing of one UDP port shared by STUN, DTLS and SRTP/SRTCP
/// (RFC 7983 §7, which updates RFC 5764 §5.1.2), then RTP vs RTCP by payload type (RFC 5761 §4).
/// </summary>
internal static class PacketClassifier
{
    /// <summary>Classifies a datagram; never throws.</summary>
    public static PacketKind Classify(ReadOnlySpan<byte> packet)
    {
        if (packet.IsEmpty)
        {
            return PacketKind.Unknown;
        }

        byte first = packet[0];
        return first switch
        {
            <= 3 => PacketKind.Stun,
            >= 16 and <= 19 => PacketKind.Zrtp,
            >= 20 and <= 63 => PacketKind.Dtls,
            >= 64 and <= 79 => PacketKind.TurnChannel,
            >= 128 and <= 191 => ClassifyRtpOrRtcp(packet),
            _ => PacketKind.Unknown,
        };
    }

    // RFC 5761 §4: with rtcp-mux, RTP payload types 64-95 are avoided, because with the marker bit
    // masked off they equal RTCP packet types 192-223.
    private static PacketKind ClassifyRtpOrRtcp(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < 2)
        {
            return PacketKind.Unknown;
        }

        int payloadType = packet[1] & 0x7F;
        return payloadType is >= 64 and <= 95 ? PacketKind.Rtcp : PacketKind.Rtp;
    }
}
