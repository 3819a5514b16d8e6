namespace Serverless.Shared.Media;

/// <summary>Why a node failed a call's media.</summary>
public enum MediaFailureReason
{
    /// <summary>The node has no room for another call.</summary>
    Capacity,

    /// <summary>No ICE candidate pair succeeded, or consent expired; <see cref="MediaFailed.IceState"/> says which.</summary>
    IceFailed,

    /// <summary>The DTLS handshake failed or the fingerprint did not match; <see cref="MediaFailed.Dtls"/> says how.</summary>
    DtlsFailed,

    /// <summary>The remote SDP could not be used.</summary>
    SdpRejected,

    /// <summary>Media did not start, or stopped, within the allowed time.</summary>
    Timeout,

    /// <summary>A bug or unexpected condition in the node.</summary>
    Internal,

    /// <summary>A prompt of the audio plan does not exist (no blob or bundled prompt of that name).</summary>
    PromptNotFound,

    /// <summary>A prompt of the audio plan exists but cannot be played (not a WAV we accept, too large, not allowed, unreachable).</summary>
    PromptInvalid,

    /// <summary>The audio plan the node received is not one it can run.</summary>
    PlanInvalid,
}
