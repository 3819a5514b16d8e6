using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serverless.Shared.Media;

/// <summary>A command from the Functions to a MediaNode.</summary>
public abstract record MediaCommand : MediaMessage
{
    /// <summary>
    /// Position of this command within its call, assigned by the sender from call state: the start command is 0,
    /// each follow-up one more. Receivers use it to process one call's commands in order
    /// (queues are not strictly FIFO, and redeliveries reorder).
    /// </summary>
    public long Sequence { get; init; }

    /// <summary>
    /// True for commands that start a call (competing consumers on the shared new-calls queue);
    /// false for follow-ups, which must reach the node that owns the call.
    /// </summary>
    [JsonIgnore]
    public bool StartsCall => this is StartOutbound or StartInbound;
}

/// <summary>Place a business-initiated call: create a peer and produce an SDP offer (answered by <see cref="OfferReady"/>).</summary>
public sealed record StartOutbound : MediaCommand
{
    /// <summary>Opaque audio plan (prompts, recording, agent bridge), interpreted by the MediaNode only.</summary>
    public JsonElement? AudioPlan { get; init; }
}

/// <summary>Answer a user-initiated call: apply Meta's SDP offer and produce an answer (<see cref="AnswerReady"/>).</summary>
public sealed record StartInbound : MediaCommand
{
    /// <summary>The user's SDP offer from Meta's <c>connect</c> webhook.</summary>
    public required string OfferSdp { get; init; }

    /// <summary>Opaque audio plan, as for <see cref="StartOutbound.AudioPlan"/>.</summary>
    public JsonElement? AudioPlan { get; init; }
}

/// <summary>Apply Meta's SDP answer to the offer this node made.</summary>
public sealed record ApplyAnswer : MediaCommand
{
    /// <summary>The SDP answer from Meta's <c>connect</c> webhook.</summary>
    public required string Sdp { get; init; }
}

/// <summary>Play something into the call.</summary>
public sealed record Play : MediaCommand
{
    /// <summary>What to play.</summary>
    public required PlayRequest Request { get; init; }
}

/// <summary>End the call's media and release the peer (answered by <see cref="MediaEnded"/>).</summary>
public sealed record Hangup : MediaCommand
{
    /// <summary>Why the call ends, for the final state and logs.</summary>
    public required HangupReason Reason { get; init; }
}
