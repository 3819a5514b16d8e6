namespace Serverless.Shared.Media;

/// <summary>An event from a MediaNode to the Functions (POSTed, signed by <see cref="MediaEventSigner"/>).</summary>
public abstract record MediaEvent : MediaMessage;

/// <summary>The node created a peer for an outbound call; <see cref="Sdp"/> goes into Meta's <c>connect</c>.</summary>
public sealed record OfferReady : MediaEvent
{
    /// <summary>Our SDP offer with complete candidates.</summary>
    public required string Sdp { get; init; }
}

/// <summary>The node answered an inbound offer; <see cref="Sdp"/> goes into <c>pre_accept</c> and <c>accept</c>.</summary>
public sealed record AnswerReady : MediaEvent
{
    /// <summary>Our SDP answer.</summary>
    public required string Sdp { get; init; }
}

/// <summary>ICE and DTLS completed; media flows.</summary>
public sealed record MediaConnected : MediaEvent;

/// <summary>The node could not set up or keep the call's media.</summary>
public sealed record MediaFailed : MediaEvent
{
    /// <summary>Typed cause.</summary>
    public required MediaFailureReason Reason { get; init; }

    /// <summary>Human-readable detail (shown to the business; never secrets or phone numbers).</summary>
    public string? Detail { get; init; }

    /// <summary>The ICE state when the peer failed (e.g. <c>IceFailed</c>, <c>ConsentLost</c>), for ICE failures.</summary>
    public string? IceState { get; init; }

    /// <summary>What the DTLS handshake got to, for DTLS failures.</summary>
    public DtlsFailureInfo? Dtls { get; init; }
}

/// <summary>The DTLS side of a <see cref="MediaFailed"/>: the alert and what had been negotiated when it failed.</summary>
public sealed record DtlsFailureInfo
{
    /// <summary>Failure kind (e.g. <c>FingerprintMismatch</c>, <c>Timeout</c>, <c>Protocol</c>).</summary>
    public required string Failure { get; init; }

    /// <summary>The fatal alert sent or received (e.g. <c>bad_certificate</c>), when there was one.</summary>
    public string? Alert { get; init; }

    /// <summary>Whether <see cref="Alert"/> came from the remote (true) or from us (false).</summary>
    public bool? AlertFromRemote { get; init; }

    /// <summary>Negotiated protocol version (e.g. <c>DTLS 1.2</c>), when the handshake got that far.</summary>
    public string? Version { get; init; }

    /// <summary>Negotiated cipher suite (IANA name), when the handshake got that far.</summary>
    public string? CipherSuite { get; init; }
}

/// <summary>A <see cref="Play"/> finished (or was barged in on).</summary>
public sealed record PlaybackFinished : MediaEvent
{
    /// <summary>MessageId of the <see cref="Play"/> command this answers, when known.</summary>
    public string? PlayMessageId { get; init; }
}

/// <summary>The user pressed keys (RFC 4733 telephone-events) while no collect step of the plan was waiting for them.</summary>
public sealed record DtmfReceived : MediaEvent
{
    /// <summary>Digits in order: 0-9, *, #, A-D.</summary>
    public required string Digits { get; init; }
}

/// <summary>A collect step of the audio plan ended: what the user entered and how the step ended.</summary>
public sealed record InputCollected : MediaEvent
{
    /// <summary>The step's result.</summary>
    public required DigitInput Input { get; init; }
}

/// <summary>A <c>stream</c> step of the audio plan ended (the agent closed, its timeout, the call's end, or it never connected).</summary>
public sealed record StreamEnded : MediaEvent
{
    /// <summary>The step's result.</summary>
    public required StreamResult Result { get; init; }
}

/// <summary>The call's media ended: the final statistics and the recording, when the plan recorded.</summary>
public sealed record MediaEnded : MediaEvent
{
    /// <summary>Media statistics of the whole call.</summary>
    public required MediaStats Stats { get; init; }

    /// <summary>The stored recording; null when the plan did not record (or storing it failed).</summary>
    public RecordingInfo? Recording { get; init; }

    /// <summary>
    /// Why the media ended: the <see cref="Hangup"/>'s reason, or the node's own (the user closed the peer, the plan's
    /// hangup step, <see cref="HangupReason.NodeDrained"/>). Null from nodes older than this member.
    /// </summary>
    public HangupReason? Reason { get; init; }
}
