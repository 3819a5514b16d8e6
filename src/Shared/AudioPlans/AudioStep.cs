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
