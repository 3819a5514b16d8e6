namespace Serverless.WebRtc.Srtp;

/// <summary>Outcome of unprotecting one SRTP or SRTCP packet.</summary>
public enum SrtpResult
{
    /// <summary>Authenticated, decrypted in place, and recorded in the replay window.</summary>
    Ok,

    /// <summary>Shorter than the fixed header plus the authentication tag (and SRTCP index).</summary>
    TooShort,

    /// <summary>Not RTP/RTCP version 2, or the RTP header (CSRCs, extension) runs past the packet.</summary>
    InvalidHeader,

    /// <summary>The authentication tag did not verify; the stream state was left untouched.</summary>
    AuthenticationFailed,

    /// <summary>The packet index was already received (RFC 3711 §3.3.2).</summary>
    ReplayDetected,

    /// <summary>The packet index is older than the replay window covers (RFC 3711 §3.3.2).</summary>
    TooOld,
}
