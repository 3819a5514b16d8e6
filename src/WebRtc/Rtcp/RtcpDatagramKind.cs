namespace Serverless.WebRtc.Rtcp;

/// <summary>What a whole RTCP datagram is, after every packet in it was validated.</summary>
internal enum RtcpDatagramKind
{
    /// <summary>Empty, or some packet in it is malformed.</summary>
    Invalid,

    /// <summary>A compound packet starting with SR or RR (RFC 3550 §6.1).</summary>
    Compound,

    /// <summary>A reduced-size packet: valid packets not starting with SR/RR (RFC 5506 §3.1).</summary>
    ReducedSize,
}
