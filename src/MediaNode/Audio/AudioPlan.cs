using System.Text.Json;

namespace Serverless.MediaNode.Audio;

/// <summary>
/// What a call plays and does with the caller's audio, step by step. The dial request carries it as opaque
/// JSON (schema in README.md); <see cref="Default"/> plays nothing and keeps the line open with silence.
/// </summary>
public sealed record AudioPlan(IReadOnlyList<AudioStep> Steps)
{
    /// <summary>No steps: silence until hung up.</summary>
    public static AudioPlan Default { get; } = new(Array.Empty<AudioStep>());

    /// <summary>
    /// Validates a plan. A missing (null or JSON null) plan is <see cref="Default"/>. Never throws: any other
    /// problem is a false return with an error naming the offending step.
    /// </summary>
    public static bool TryParse(JsonElement? json, out AudioPlan plan, out string? error) =>
        AudioPlanParser.TryParse(json, out plan, out error);

    /// <summary>Total media time of the timed steps (prompts count as zero: their length is known only later).</summary>
    public TimeSpan TimedDuration => Steps.Aggregate(TimeSpan.Zero, (sum, step) => sum + step switch
    {
        ToneStep tone => tone.Duration,
        PauseStep pause => pause.Duration,
        CollectDigitsStep collect => collect.Timeout,
        RecordStep record => record.MaxDuration,
        EchoStep echo => echo.Duration,
        _ => TimeSpan.Zero,
    });
}
