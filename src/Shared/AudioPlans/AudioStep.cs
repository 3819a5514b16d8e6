namespace Serverless.Shared.AudioPlans;

/// <summary>One step of an <see cref="AudioPlan"/>; steps run in order, each after the previous ends.</summary>
public abstract record AudioStep
{
    /// <summary>The caller's label for this step (JSON <c>name</c>), echoed in what the step reports; null when not given.</summary>
    public string? Name { get; init; }
}

/// <summary>Plays a WAV prompt: a blob URI in the prompts container, an allowlisted https URL, or a bundled prompt name.</summary>
public sealed record PromptStep(string Source) : AudioStep;

/// <summary>Plays a sine tone.</summary>
public sealed record ToneStep(int FrequencyHz, TimeSpan Duration) : AudioStep;

/// <summary>Sends silence for a while.</summary>
public sealed record PauseStep(TimeSpan Duration) : AudioStep;

/// <summary>
/// Collects DTMF digits until <paramref name="MaxDigits"/> arrived, the terminator was pressed (not included)
/// or <paramref name="Timeout"/> passed since the step began. Digits pressed during earlier steps count
/// (type-ahead).
/// </summary>
public sealed record CollectDigitsStep(int MaxDigits, char? Terminator, TimeSpan Timeout) : AudioStep;

/// <summary>
/// Records the caller for up to <paramref name="MaxDuration"/>; the call ending stops it too, and so does
/// <see cref="Terminator"/> when pressed during the step (digits typed before the step do not count).
/// </summary>
public sealed record RecordStep(TimeSpan MaxDuration, RecordingFormat Format) : AudioStep
{
    /// <summary>The DTMF symbol that ends the recording early (JSON <c>terminator</c>); null records for the whole step.</summary>
    public char? Terminator { get; init; }
}

/// <summary>Sends the caller's own Opus packets back to them for a while (no decode).</summary>
public sealed record EchoStep(TimeSpan Duration) : AudioStep;

/// <summary>Asks the host to hang the call up; later steps never run.</summary>
public sealed record HangupStep : AudioStep;

/// <summary>
/// Connects the call's audio both ways to an agent over a WebSocket (the node is the client) in
/// <see cref="Dialect"/>, until the agent closes the socket, <see cref="Timeout"/> passes or the call ends; then the
/// plan goes on. When the socket cannot be opened, <see cref="OnError"/> runs instead (then the plan goes on).
/// <see cref="Token"/> and <see cref="Headers"/> values are secrets: never logged, never printed by <see cref="object.ToString"/>.
/// </summary>
public sealed record StreamStep(Uri Url, StreamDialect Dialect) : AudioStep
{
    /// <summary>PCM rate of the <see cref="StreamDialect.Pcm"/> dialect (16000 or 24000); 8000 for <see cref="StreamDialect.Twilio"/> (µ-law).</summary>
    public int SampleRate { get; init; } = 8_000;

    /// <summary>Sent as <c>Authorization: Bearer {token}</c> on the WebSocket handshake; null for none.</summary>
    public string? Token { get; init; }

    /// <summary>Extra request headers of the WebSocket handshake (e.g. an API key).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = EmptyStrings;

    /// <summary>Passed to the agent in the start message (Twilio's <c>customParameters</c>).</summary>
    public IReadOnlyDictionary<string, string> CustomParameters { get; init; } = EmptyStrings;

    /// <summary>Which audio the agent receives: the caller's only, or also what the call plays (the agent's own audio, as played).</summary>
    public StreamTracks Tracks { get; init; } = StreamTracks.Inbound;

    /// <summary>The longest the stream lasts; then the node sends <c>stop</c>, closes and the plan goes on.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(AudioPlanLimits.DefaultStreamSeconds);

    /// <summary>Steps run when the socket cannot be opened (no <c>stream</c> among them); empty: the plan just goes on.</summary>
    public IReadOnlyList<AudioStep> OnError { get; init; } = [];

    /// <summary>The realtime session of the <see cref="StreamDialect.OpenAiRealtime"/> dialect (null for the others).</summary>
    public RealtimeSession? Realtime { get; init; }

    /// <summary>Where the key comes from: the plan (<see cref="Token"/>/<see cref="Headers"/>), the node's Entra ID token, or its Key Vault.</summary>
    public StreamAuth Auth { get; init; } = StreamAuth.Plan;

    /// <summary>With <see cref="StreamAuth.KeyVault"/>: the secret's name in the node's configured vault.</summary>
    public string? KeyVaultSecret { get; init; }

    /// <summary>With <see cref="StreamAuth.KeyVault"/>: how the secret is sent on the handshake.</summary>
    public StreamKeyHeader KeyHeader { get; init; } = StreamKeyHeader.Authorization;

    private static readonly IReadOnlyDictionary<string, string> EmptyStrings = new Dictionary<string, string>();

    // Records print every member; the token and header values must never reach a log through ToString.
    protected override bool PrintMembers(System.Text.StringBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Append("Name = ").Append(Name).Append(", Url = ").Append(Url.GetLeftPart(UriPartial.Path))
            .Append(", Dialect = ").Append(Dialect).Append(", SampleRate = ").Append(SampleRate)
            .Append(", Tracks = ").Append(Tracks).Append(", Timeout = ").Append(Timeout)
            .Append(", Headers = [").Append(string.Join(", ", Headers.Keys)).Append("], Token = ").Append(Token is null ? "none" : "***")
            .Append(", Auth = ").Append(Auth).Append(Auth == StreamAuth.KeyVault ? $" ({KeyVaultSecret}, {KeyHeader})" : string.Empty)
            .Append(", OnError = ").Append(OnError.Count).Append(" steps");
        if (Realtime is { } realtime)
        {
            builder.Append(", Realtime = { Voice = ").Append(realtime.Voice ?? "default").Append(", Instructions = ")
                .Append(realtime.Instructions?.Length ?? 0).Append(" chars, TurnDetection = ").Append(realtime.TurnDetection.Type).Append(" }");
        }

        return true;
    }
}

/// <summary>
/// Hands the call to a human agent of <paramref name="Queue"/>: the node plays <see cref="HoldPrompt"/> (looped; silence
/// when null) and reports <c>AgentRequested</c> while the Functions ring the queue's agents. The first agent's browser
/// leg is bridged to the call until the agent disconnects (the plan goes on) or the call ends. When no agent is
/// connected within <paramref name="Timeout"/>, <see cref="OnNoAgent"/> runs (then the plan goes on).
/// </summary>
public sealed record ConnectAgentStep(string Queue, TimeSpan Timeout) : AudioStep
{
    /// <summary>What the caller hears while waiting, looped: a prompt source as for <see cref="PromptStep"/>; null for silence.</summary>
    public string? HoldPrompt { get; init; }

    /// <summary>
    /// Records the caller's side of the conversation with the agent (JSON <c>record</c>: <c>ogg</c> or <c>wav</c>) into the
    /// call's one recording; null records nothing. The agent's side is not in it (the bridge never decodes).
    /// </summary>
    public RecordingFormat? Record { get; init; }

    /// <summary>Steps run when nobody is connected in time (no <c>stream</c> or <c>connectAgent</c> among them); empty: the plan just goes on.</summary>
    public IReadOnlyList<AudioStep> OnNoAgent { get; init; } = [];
}

/// <summary>The message protocol of a <see cref="StreamStep"/>'s WebSocket.</summary>
public enum StreamDialect
{
    /// <summary>Twilio Media Streams messages (<c>connected</c>, <c>start</c>, <c>media</c>, <c>dtmf</c>, <c>mark</c>, <c>clear</c>, <c>stop</c>), 8 kHz µ-law.</summary>
    Twilio,

    /// <summary>Binary PCM16 little-endian mono frames at 16 or 24 kHz and small JSON control messages (product README).</summary>
    Pcm,

    /// <summary>
    /// Straight to an OpenAI or Azure OpenAI realtime endpoint: <c>session.update</c>, then PCM16 24 kHz both ways as
    /// <c>input_audio_buffer.append</c> / <c>response.output_audio.delta</c>; <c>input_audio_buffer.speech_started</c>
    /// drops the queued audio and truncates the answer to what was played (<c>conversation.item.truncate</c>).
    /// </summary>
    OpenAiRealtime,
}

/// <summary>Where a <see cref="StreamStep"/>'s key comes from (JSON <c>auth</c> / <c>keyVaultSecret</c>).</summary>
public enum StreamAuth
{
    /// <summary>From the plan: <c>token</c> or <c>headers</c>, or none.</summary>
    Plan,

    /// <summary>The node's managed identity: an Entra ID token for Cognitive Services, sent to Azure OpenAI as <c>Authorization: Bearer</c>.</summary>
    Entra,

    /// <summary>A secret the node reads from its configured Key Vault with its identity (cached briefly).</summary>
    KeyVault,
}

/// <summary>How a Key Vault key is sent on the handshake (JSON <c>keyHeader</c>).</summary>
public enum StreamKeyHeader
{
    /// <summary><c>Authorization: Bearer {key}</c> (an OpenAI key, or any agent's bearer token).</summary>
    Authorization,

    /// <summary><c>api-key: {key}</c> (an Azure OpenAI key).</summary>
    ApiKey,
}

/// <summary>What the node sets on an OpenAI realtime session (<c>session.update</c>) once connected.</summary>
/// <param name="Instructions">The model's system instructions; null keeps the service's default.</param>
/// <param name="Voice">The output voice (e.g. <c>alloy</c>, <c>marin</c>); null keeps the service's default.</param>
/// <param name="TurnDetection">How the service detects the caller's turns (and so barge-in).</param>
public sealed record RealtimeSession(string? Instructions, string? Voice, RealtimeTurnDetection TurnDetection);

/// <summary>
/// The session's turn detection (<c>audio.input.turn_detection</c>): <c>server_vad</c> with its optional threshold,
/// prefix padding and silence, or <c>semantic_vad</c> with its optional eagerness. Null members keep the service's defaults.
/// </summary>
public sealed record RealtimeTurnDetection(string Type)
{
    /// <summary>server_vad: activation threshold, 0 to 1.</summary>
    public double? Threshold { get; init; }

    /// <summary>server_vad: audio kept before detected speech, in ms.</summary>
    public int? PrefixPaddingMs { get; init; }

    /// <summary>server_vad: silence that ends the turn, in ms.</summary>
    public int? SilenceDurationMs { get; init; }

    /// <summary>semantic_vad: <c>low</c>, <c>medium</c>, <c>high</c> or <c>auto</c>.</summary>
    public string? Eagerness { get; init; }

    /// <summary>The service's default: server VAD.</summary>
    public static RealtimeTurnDetection ServerVad { get; } = new("server_vad");
}

/// <summary>Which audio a stream sends to the agent.</summary>
public enum StreamTracks
{
    /// <summary>The caller's audio.</summary>
    Inbound,

    /// <summary>The caller's audio and, as track <c>outbound</c>, what the call plays.</summary>
    Both,
}
