using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Serverless.Shared.AudioPlans;

/// <summary>
/// What a call plays and does with the caller's audio, step by step (JSON schema in the product README).
/// The API validates it at dial time and the MediaNode again on receipt, with this one parser.
/// <see cref="Default"/> plays nothing and keeps the line open with silence.
/// </summary>
public sealed record AudioPlan(IReadOnlyList<AudioStep> Steps)
{
    /// <summary>No steps: silence until hung up.</summary>
    public static AudioPlan Default { get; } = new(Array.Empty<AudioStep>());

    /// <summary>
    /// Validates a plan. A missing (null or JSON null) plan is <see cref="Default"/>. Never throws: any other
    /// problem is a false return with an error pointing at the offending member. When <paramref name="prompts"/>
    /// is given, each prompt must also be a source it allows.
    /// </summary>
    public static bool TryParse(JsonElement? json, PromptSourcePolicy? prompts, out AudioPlan plan, [NotNullWhen(false)] out AudioPlanError? error) =>
        AudioPlanParser.TryParse(json, prompts, StreamUrlPolicy.Secure, out plan, out error);

    /// <summary>
    /// As <see cref="TryParse(JsonElement?, PromptSourcePolicy?, out AudioPlan, out AudioPlanError?)"/>, with the rule for
    /// stream steps' URLs (null: <see cref="StreamUrlPolicy.Secure"/>).
    /// </summary>
    public static bool TryParse(
        JsonElement? json, PromptSourcePolicy? prompts, StreamUrlPolicy? streams, out AudioPlan plan, [NotNullWhen(false)] out AudioPlanError? error) =>
        AudioPlanParser.TryParse(json, prompts, streams ?? StreamUrlPolicy.Secure, out plan, out error);

    /// <summary>Total media time of the timed steps (prompts count as zero: their length is known only later).</summary>
    public TimeSpan TimedDuration => Timed(Steps);

    private static TimeSpan Timed(IReadOnlyList<AudioStep> steps) => steps.Aggregate(TimeSpan.Zero, (sum, step) => sum + step switch
    {
        ToneStep tone => tone.Duration,
        PauseStep pause => pause.Duration,
        CollectDigitsStep collect => collect.Timeout,
        RecordStep record => record.MaxDuration,
        EchoStep echo => echo.Duration,
        StreamStep stream => stream.Timeout + Timed(stream.OnError),
        ConnectAgentStep agent => agent.Timeout + Timed(agent.OnNoAgent),
        _ => TimeSpan.Zero,
    });
}
