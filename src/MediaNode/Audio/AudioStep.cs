using Serverless.MediaNode.Recording;

namespace Serverless.MediaNode.Audio;

/// <summary>One step of an <see cref="AudioPlan"/>; steps run in order, each after the previous ends.</summary>
public abstract record AudioStep;

/// <summary>Plays a WAV prompt: an absolute blob URI or the name of a bundled prompt (Audio/Prompts/{name}.wav).</summary>
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
public sealed record CollectDigitsStep(int MaxDigits, char? Terminator, TimeSpan Timeout) : AudioStep
{
    /// <summary>The plan's <c>name</c> for this step, reported with its result.</summary>
    public string? Name { get; init; }
}

/// <summary>Records the caller for up to <paramref name="MaxDuration"/> (the call ending stops it too).</summary>
public sealed record RecordStep(TimeSpan MaxDuration, RecordingFormat Format) : AudioStep;

/// <summary>Sends the caller's own Opus packets back to them for a while (no decode).</summary>
public sealed record EchoStep(TimeSpan Duration) : AudioStep;

/// <summary>Asks the host to hang the call up; later steps never run.</summary>
public sealed record HangupStep : AudioStep;
