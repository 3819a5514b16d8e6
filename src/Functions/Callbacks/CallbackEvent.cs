using System.Text.Json.Serialization;

namespace Serverless.Functions.Callbacks;

/// <summary>
/// The JSON a dial's <c>callbackUrl</c> receives on every state change and at the end. <see cref="EventId"/> is
/// chosen by the caller, stays the same on every retry, and is what receivers deduplicate on.
/// </summary>
public sealed record CallbackEvent
{
    /// <summary>Stable id of this event (e.g. call id + state + sequence); the receiver's dedup key.</summary>
    public required string EventId { get; init; }

    /// <summary>Our call id.</summary>
    public required string CallId { get; init; }

    /// <summary>What happened, e.g. <c>call.ringing</c>, <c>call.connected</c>, <c>call.ended</c>.</summary>
    public required string Type { get; init; }

    /// <summary>When it happened.</summary>
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>The call's state after the change.</summary>
    public string? State { get; init; }

    /// <summary>Final outcome (only on the end event).</summary>
    public string? Outcome { get; init; }

    /// <summary>Connected duration in seconds (only when the call connected).</summary>
    public double? DurationSeconds { get; init; }

    /// <summary>DTMF digits collected during the call.</summary>
    public string? DigitsCollected { get; init; }

    /// <summary>Link to the recording, when there is one.</summary>
    public Uri? RecordingUrl { get; init; }

    /// <summary>The play API's <c>playId</c> (only on <c>call.playbackFinished</c>).</summary>
    public string? PlayId { get; init; }

    /// <summary>Meta's error code when the call failed.</summary>
    public int? ErrorCode { get; init; }

    /// <summary>Error text when the call failed.</summary>
    public string? ErrorMessage { get; init; }
}

/// <summary>camelCase JSON of <see cref="CallbackEvent"/>; null members are left out.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CallbackEvent))]
public sealed partial class CallbackJsonContext : JsonSerializerContext;
