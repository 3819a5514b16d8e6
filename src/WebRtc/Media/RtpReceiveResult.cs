namespace Serverless.WebRtc.Media;

internal enum RtpReceiveResult
{
    /// <summary>An Opus packet, accepted for playout (and handed to the packet callback).</summary>
    Audio,

    /// <summary>A telephone-event packet, passed to the DTMF detector.</summary>
    TelephoneEvent,

    /// <summary>A copy of a packet already received.</summary>
    Duplicate,

    /// <summary>Arrived after its playout slot; counted in the statistics, not played.</summary>
    TooLate,

    /// <summary>Not a parsable RTP packet, or an empty payload.</summary>
    Malformed,

    /// <summary>From an SSRC other than this stream's.</summary>
    ForeignSsrc,

    /// <summary>A payload type that was not negotiated for this stream.</summary>
    UnknownPayloadType,

    /// <summary>A sequence jump the statistics hold back until confirmed (RFC 3550 A.1).</summary>
    Discarded,
}
