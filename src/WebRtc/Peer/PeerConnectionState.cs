namespace Serverless.WebRtc.Peer;

/// <summary>Peer states, as the W3C RTCPeerConnectionState names them.</summary>
public enum PeerConnectionState
{
    /// <summary>No remote description yet.</summary>
    New,

    /// <summary>ICE checks or the DTLS handshake under way.</summary>
    Connecting,

    /// <summary>ICE selected a pair and SRTP keys are in place: media flows.</summary>
    Connected,

    /// <summary>Consent checks go unanswered; media may come back.</summary>
    Disconnected,

    /// <summary>ICE, DTLS or consent failed; see <see cref="PeerFailure"/>.</summary>
    Failed,

    /// <summary>Closed by us or by the peer.</summary>
    Closed,
}

/// <summary>Why a peer failed.</summary>
public enum PeerFailure
{
    /// <summary>Not failed.</summary>
    None,

    /// <summary>No candidate pair worked.</summary>
    IceFailed,

    /// <summary>Consent expired after the call was up (RFC 7675).</summary>
    ConsentLost,

    /// <summary>The peer's certificate did not match its SDP fingerprint.</summary>
    FingerprintMismatch,

    /// <summary>Any other DTLS handshake failure (no common profile, timeout, alert).</summary>
    DtlsFailed,
}
