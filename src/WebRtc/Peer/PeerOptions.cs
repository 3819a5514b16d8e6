using Serverless.WebRtc.Dtls;
using Serverless.WebRtc.Ice;

namespace Serverless.WebRtc.Peer;

/// <summary>How a peer negotiates: ICE timers and mode, DTLS profiles, and its role in answers.</summary>
public sealed class PeerOptions
{
    /// <summary>ICE agent settings; <see cref="IceAgentOptions.Lite"/> makes this peer behave like Meta's media servers.</summary>
    public IceAgentOptions Ice { get; init; } = new();

    /// <summary>DTLS-SRTP settings.</summary>
    internal DtlsSrtpOptions Dtls { get; init; } = new();

    /// <summary>CNAME in our SDP and RTCP SDES.</summary>
    public string CanonicalName { get; init; } = "whatsapp-calling";
}
