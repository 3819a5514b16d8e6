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

    /// <summary>Human-readable detail for logs (never secrets or phone numbers).</summary>
    public string? Detail { get; init; }
}

/// <summary>A <see cref="Play"/> finished (or was barged in on).</summary>
public sealed record PlaybackFinished : MediaEvent
{
    /// <summary>MessageId of the <see cref="Play"/> command this answers, when known.</summary>
    public string? PlayMessageId { get; init; }
}

/// <summary>The user pressed keys (RFC 4733 telephone-events).</summary>
public sealed record DtmfReceived : MediaEvent
{
    /// <summary>Digits in order: 0-9, *, #, A-D.</summary>
    public required string Digits { get; init; }
}

/// <summary>The call's media ended; the final statistics for call state.</summary>
public sealed record MediaEnded : MediaEvent
{
    /// <summary>Media statistics of the whole call.</summary>
    public required MediaStats Stats { get; init; }
}
