namespace Serverless.WebRtc.Ice;

/// <summary>Connection states, as the W3C RTCIceConnectionState names them.</summary>
internal enum IceConnectionState
{
    /// <summary>Not started.</summary>
    New,

    /// <summary>Checks under way, no pair selected yet.</summary>
    Checking,

    /// <summary>A pair is selected and consent is fresh.</summary>
    Connected,

    /// <summary>Consent checks are going unanswered; media may resume.</summary>
    Disconnected,

    /// <summary>Every pair failed, or consent expired (RFC 7675 §5.1).</summary>
    Failed,

    /// <summary>Closed by us.</summary>
    Closed,
}
