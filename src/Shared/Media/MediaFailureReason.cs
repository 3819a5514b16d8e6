namespace Serverless.Shared.Media;

/// <summary>Why a node failed a call's media.</summary>
public enum MediaFailureReason
{
    /// <summary>The node has no room for another call.</summary>
    Capacity,

    /// <summary>No ICE candidate pair succeeded, or consent expired.</summary>
    IceFailed,

    /// <summary>The DTLS handshake failed or the fingerprint did not match.</summary>
    DtlsFailed,

    /// <summary>The remote SDP could not be used.</summary>
    SdpRejected,

    /// <summary>Media did not start, or stopped, within the allowed time.</summary>
    Timeout,

    /// <summary>A bug or unexpected condition in the node.</summary>
    Internal,
}
