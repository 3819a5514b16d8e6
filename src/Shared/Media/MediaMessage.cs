using System.Text.Json.Serialization;

namespace Serverless.Shared.Media;

/// <summary>
/// Envelope fields every command (Functions → MediaNode) and event (MediaNode → Functions) carries.
/// The concrete type travels as the JSON <c>type</c> discriminator (see <see cref="MediaMessageSerializer"/>).
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = MediaMessageSerializer.TypePropertyName)]
[JsonDerivedType(typeof(StartOutbound), nameof(StartOutbound))]
[JsonDerivedType(typeof(StartInbound), nameof(StartInbound))]
[JsonDerivedType(typeof(ApplyAnswer), nameof(ApplyAnswer))]
[JsonDerivedType(typeof(Play), nameof(Play))]
[JsonDerivedType(typeof(Hangup), nameof(Hangup))]
[JsonDerivedType(typeof(ConnectAgent), nameof(ConnectAgent))]
[JsonDerivedType(typeof(MuteAgent), nameof(MuteAgent))]
[JsonDerivedType(typeof(DisconnectAgent), nameof(DisconnectAgent))]
[JsonDerivedType(typeof(OfferReady), nameof(OfferReady))]
[JsonDerivedType(typeof(AnswerReady), nameof(AnswerReady))]
[JsonDerivedType(typeof(MediaConnected), nameof(MediaConnected))]
[JsonDerivedType(typeof(MediaFailed), nameof(MediaFailed))]
[JsonDerivedType(typeof(PlaybackFinished), nameof(PlaybackFinished))]
[JsonDerivedType(typeof(DtmfReceived), nameof(DtmfReceived))]
[JsonDerivedType(typeof(InputCollected), nameof(InputCollected))]
[JsonDerivedType(typeof(StreamEnded), nameof(StreamEnded))]
[JsonDerivedType(typeof(MediaEnded), nameof(MediaEnded))]
[JsonDerivedType(typeof(AgentRequested), nameof(AgentRequested))]
[JsonDerivedType(typeof(AgentRequestEnded), nameof(AgentRequestEnded))]
[JsonDerivedType(typeof(AgentAnswerReady), nameof(AgentAnswerReady))]
[JsonDerivedType(typeof(AgentConnected), nameof(AgentConnected))]
[JsonDerivedType(typeof(AgentLegEnded), nameof(AgentLegEnded))]
public abstract record MediaMessage
{
    /// <summary>Schema version this code writes; readers refuse anything newer.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>Schema version of the message (bumped only for changes an older reader would misread).</summary>
    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>
    /// Idempotency id. Stable per logical message: a redelivery or a re-send of the same command keeps it,
    /// so receivers recognise it. Callers with a natural key (e.g. a webhook id) may set it explicitly.
    /// </summary>
    public string MessageId { get; init; } = Guid.NewGuid().ToString("N");

    /// <summary>Our call id (not Meta's wacid).</summary>
    public required string CallId { get; init; }

    /// <summary>The MediaNode that owns the call, once one does (null on a new-call command).</summary>
    public string? NodeId { get; init; }

    /// <summary>When the sender created the message (also bounds how long an out-of-order command is held back).</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>
    /// W3C <c>traceparent</c> of the activity that created the message (captured from <c>Activity.Current</c>
    /// at construction), so one call is one trace across Functions and MediaNode.
    /// </summary>
    public string? TraceParent { get; init; } = TraceContext.Current().TraceParent;

    /// <summary>W3C <c>tracestate</c> captured alongside <see cref="TraceParent"/>.</summary>
    public string? TraceState { get; init; } = TraceContext.Current().TraceState;

    /// <summary>The message type name as written in the <c>type</c> discriminator.</summary>
    [JsonIgnore]
    public string MessageType => GetType().Name;

    /// <summary>The trace context this message carries.</summary>
    [JsonIgnore]
    public TraceContext Trace => new(TraceParent, TraceState);
}
