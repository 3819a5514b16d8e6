using System.Text.Json.Serialization;
using Serverless.Functions.Calls;
using Serverless.Shared.Media;

namespace Serverless.Functions.Callbacks;

/// <summary>
/// The JSON a dial's <c>callbackUrl</c> receives (types: <see cref="CallbackEventTypes"/>). <see cref="EventId"/> is
/// chosen by the caller, stays the same on every retry, and is what receivers deduplicate on.
/// </summary>
public sealed record CallbackEvent
{
    /// <summary>Stable id of this event (e.g. call id + history sequence); the receiver's dedup key.</summary>
    public required string EventId { get; init; }

    /// <summary>Our call id.</summary>
    public required string CallId { get; init; }

    /// <summary>What happened: one of <see cref="CallbackEventTypes"/>.</summary>
    public required string Type { get; init; }

    /// <summary>When it happened.</summary>
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>The call's state (camelCase, as in the API).</summary>
    public string? State { get; init; }

    /// <summary>Final outcome (only on <c>call.ended</c>).</summary>
    public string? Outcome { get; init; }

    /// <summary>Connected duration in seconds (only on <c>call.ended</c>).</summary>
    public double? DurationSeconds { get; init; }

    /// <summary>The input this <c>call.input</c> reports.</summary>
    public InputView? Input { get; init; }

    /// <summary>Every input of the call, in order (on <c>call.ended</c>).</summary>
    public IReadOnlyList<InputView>? Inputs { get; init; }

    /// <summary>The recording, when there is one (on <c>call.ended</c>); its link lives <c>Recordings:CallbackUrlLifetime</c>.</summary>
    public RecordingView? Recording { get; init; }

    /// <summary>The play API's <c>playId</c> (only on <c>call.playbackFinished</c>).</summary>
    public string? PlayId { get; init; }

    /// <summary>The node's media statistics (on <c>call.ended</c>).</summary>
    public MediaStats? Media { get; init; }

    /// <summary>Why the call failed (on <c>call.ended</c>).</summary>
    public ErrorView? LastError { get; init; }
}

/// <summary>camelCase JSON of <see cref="CallbackEvent"/>; null members are left out.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CallbackEvent))]
public sealed partial class CallbackJsonContext : JsonSerializerContext;
