namespace Serverless.Shared.Media;

// The agent leg (issue 15): a browser's WebRTC peer bridged to the WhatsApp call by the node that owns the call.
// The browser offers, the node answers; the contract is /work/coord/agent-contract.md (product README: "Agent console").

/// <summary>
/// Connect an agent's browser to the call, which waits in a <c>connectAgent</c> step of its plan: the node creates the
/// agent leg on its one UDP port, answers with <see cref="AgentAnswerReady"/>, then <see cref="AgentConnected"/>.
/// When no <c>connectAgent</c> step waits (it timed out, another agent got the call, the call ended) the node answers
/// <see cref="AgentLegEnded"/> with <see cref="AgentLegEndReason.NotWaiting"/>.
/// </summary>
public sealed record ConnectAgent : MediaCommand
{
    /// <summary>The leg's id, chosen by the Functions (1-64 of <c>[A-Za-z0-9_.-]</c>); every agent event names it.</summary>
    public required string LegId { get; init; }

    /// <summary>The browser's SDP offer (one Opus audio section; telephone-event for the keypad).</summary>
    public required string OfferSdp { get; init; }

    /// <summary>Who accepted (the agent's id as the Functions know it), for the node's logs and traces; never a phone number.</summary>
    public required string Agent { get; init; }
}

/// <summary>Stop (or resume) forwarding the agent's audio to the WhatsApp user; the user hears silence meanwhile.</summary>
public sealed record MuteAgent : MediaCommand
{
    /// <summary>The agent leg.</summary>
    public required string LegId { get; init; }

    /// <summary>True mutes, false unmutes.</summary>
    public required bool Muted { get; init; }
}

/// <summary>
/// End the agent leg only (answered by <see cref="AgentLegEnded"/>); the call goes on with the plan's next step.
/// To end the call and both legs, send <see cref="Hangup"/>.
/// </summary>
public sealed record DisconnectAgent : MediaCommand
{
    /// <summary>The agent leg.</summary>
    public required string LegId { get; init; }
}

/// <summary>The call's plan reached a <c>connectAgent</c> step: the caller hears the hold prompt while agents ring.</summary>
public sealed record AgentRequested : MediaEvent
{
    /// <summary>The step's queue.</summary>
    public required string Queue { get; init; }

    /// <summary>How long the node waits for a <see cref="ConnectAgent"/> before it runs the step's <c>onNoAgent</c> steps.</summary>
    public required int TimeoutSeconds { get; init; }
}

/// <summary>Nobody was connected within the step's timeout: the node runs the step's <c>onNoAgent</c> steps.</summary>
public sealed record AgentRequestEnded : MediaEvent
{
    /// <summary>The step's queue.</summary>
    public required string Queue { get; init; }

    /// <summary>Why the wait ended without an agent.</summary>
    public required AgentRequestEndReason Reason { get; init; }
}

/// <summary>Why a <c>connectAgent</c> step stopped waiting without an agent.</summary>
public enum AgentRequestEndReason
{
    /// <summary>The step's <c>timeoutSeconds</c> passed; <c>onNoAgent</c> runs.</summary>
    Timeout,

    /// <summary>The call ended while waiting.</summary>
    CallEnded,
}

/// <summary>The node's SDP answer to the browser's offer of <see cref="ConnectAgent"/>.</summary>
public sealed record AgentAnswerReady : MediaEvent
{
    /// <summary>The agent leg.</summary>
    public required string LegId { get; init; }

    /// <summary>Our SDP answer, with complete candidates (the node's one UDP port).</summary>
    public required string Sdp { get; init; }
}

/// <summary>ICE and DTLS of the agent leg completed and media flows: the caller and the agent hear each other.</summary>
public sealed record AgentConnected : MediaEvent
{
    /// <summary>The agent leg.</summary>
    public required string LegId { get; init; }
}

/// <summary>The agent leg ended (or was never made); the call itself goes on unless <see cref="Reason"/> is <see cref="AgentLegEndReason.CallEnded"/>.</summary>
public sealed record AgentLegEnded : MediaEvent
{
    /// <summary>The agent leg.</summary>
    public required string LegId { get; init; }

    /// <summary>Why it ended.</summary>
    public required AgentLegEndReason Reason { get; init; }

    /// <summary>Human-readable detail for <see cref="AgentLegEndReason.Failed"/> (never secrets or phone numbers).</summary>
    public string? Detail { get; init; }

    /// <summary>Media statistics of the agent leg (the browser side), when the leg was created.</summary>
    public MediaStats? Stats { get; init; }
}

/// <summary>Why an agent leg ended.</summary>
public enum AgentLegEndReason
{
    /// <summary>A <see cref="DisconnectAgent"/> ended it; the plan goes on.</summary>
    Disconnected,

    /// <summary>The call ended (hang-up by either side, or the plan), which ends both legs.</summary>
    CallEnded,

    /// <summary>No <c>connectAgent</c> step was waiting when <see cref="ConnectAgent"/> arrived (timed out, taken, not reached).</summary>
    NotWaiting,

    /// <summary>The leg could not be made or lost its media (bad offer, ICE or DTLS failure, consent lost, the browser's BYE); see <see cref="AgentLegEnded.Detail"/>.</summary>
    Failed,
}
