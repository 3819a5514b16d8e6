using System.ComponentModel;
using System.Text.Json.Serialization;
using Serverless.Functions.Calls;
using Serverless.Shared.Media;

namespace Serverless.Functions.Callbacks;

/// <summary>
/// The JSON a dial's <c>callbackUrl</c> receives (types: <see cref="CallbackEventTypes"/>). <see cref="EventId"/> is
/// chosen by the caller, stays the same on every retry, and is what receivers deduplicate on.
/// </summary>
[Description("A call status event, as status callbacks and subscriptions receive it (signed: X-Callback-Signature-256).")]
public sealed record CallbackEvent
{
    /// <summary>Stable id of this event (e.g. call id + history sequence); the receiver's dedup key.</summary>
    [Description("Stable id of this event: the same on every retry, so receivers deduplicate on it.")]
    public required string EventId { get; init; }

    /// <summary>Our call id.</summary>
    [Description("The call's id (GET /api/calls/{id}).")]
    public required string CallId { get; init; }

    /// <summary>What happened: one of <see cref="CallbackEventTypes"/>.</summary>
    [Description("What happened: call.preparing, call.ringing, call.offered, call.accepting, call.connected, call.input, call.playbackFinished or call.ended.")]
    public required string Type { get; init; }

    /// <summary>When it happened.</summary>
    [Description("When it happened.")]
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>The call's state (camelCase, as in the API).</summary>
    [Description("The call's state after the change (camelCase, as in the API).")]
    public string? State { get; init; }

    /// <summary>Final outcome (only on <c>call.ended</c>).</summary>
    [Description("Final outcome (call.ended only): completed, rejected, noAnswer, cancelled or failed.")]
    public string? Outcome { get; init; }

    /// <summary>Connected duration in seconds (only on <c>call.ended</c>).</summary>
    [Description("Connected duration in seconds (call.ended only).")]
    public double? DurationSeconds { get; init; }

    /// <summary>The input this <c>call.input</c> reports.</summary>
    [Description("The input reported (call.input only).")]
    public InputView? Input { get; init; }

    /// <summary>Every input of the call, in order (on <c>call.ended</c>).</summary>
    [Description("Every input of the call, in order (call.ended only).")]
    public IReadOnlyList<InputView>? Inputs { get; init; }

    /// <summary>The recording, when there is one (on <c>call.ended</c>); its link lives <c>Recordings:CallbackUrlLifetime</c>.</summary>
    [Description("The recording with a read link (call.ended only, when the call recorded).")]
    public RecordingView? Recording { get; init; }

    /// <summary>The play API's <c>playId</c> (only on <c>call.playbackFinished</c>).</summary>
    [Description("The play API's playId (call.playbackFinished only).")]
    public string? PlayId { get; init; }

    /// <summary>The agent (on <c>call.agentConnected</c> and <c>call.ended</c>).</summary>
    [Description("The agent connected to the call (call.agentConnected, and call.ended when one was).")]
    public AgentView? Agent { get; init; }

    /// <summary>The queue the call asked for (on <c>call.agentConnected</c> and <c>call.ended</c>).</summary>
    [Description("The queue whose agents the call asked for (call.agentConnected, and call.ended when it asked).")]
    public string? Queue { get; init; }

    /// <summary>The node's media statistics (on <c>call.ended</c>).</summary>
    [Description("The media node's statistics of the call (call.ended only).")]
    public MediaStats? Media { get; init; }

    /// <summary>Why the call failed (on <c>call.ended</c>).</summary>
    [Description("Why the call failed (call.ended only, when it did).")]
    public ErrorView? LastError { get; init; }
}

/// <summary>camelCase JSON of <see cref="CallbackEvent"/>; null members are left out.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CallbackEvent))]
public sealed partial class CallbackJsonContext : JsonSerializerContext;
