namespace Serverless.WebRtc.Demux;

/// <summary>What a datagram on the shared ICE/DTLS/SRTP socket carries (RFC 7983 §7).</summary>
public enum PacketKind
{
    /// <summary>No rule matched (or the datagram was empty or too short to tell): drop.</summary>
    Unknown = 0,

    /// <summary>First byte 0-3: STUN (RFC 7983 §7).</summary>
    Stun,

    /// <summary>First byte 16-19: ZRTP (RFC 6189); not used by WebRTC, dropped.</summary>
    Zrtp,

    /// <summary>First byte 20-63: DTLS record (content types 20-63).</summary>
    Dtls,

    /// <summary>First byte 64-79: TURN ChannelData (RFC 7983 §7, RFC 8656 §12).</summary>
    TurnChannel,

    /// <summary>First byte 128-191 with a payload type outside 64-95: (S)RTP.</summary>
    Rtp,

    /// <summary>First byte 128-191 with second byte &amp; 0x7F in 64-95, i.e. packet types 192-223: (S)RTCP (RFC 5761 §4).</summary>
    Rtcp,
}
