namespace Serverless.Shared.AudioPlans;

/// <summary>
/// Why a plan was refused: <see cref="Path"/> is a JSON-path-like pointer relative to the plan object
/// (<c>steps[2].tone.hz</c>; empty for the plan itself), <see cref="Message"/> says what is wrong.
/// </summary>
public sealed record AudioPlanError(string Path, string Message)
{
    /// <summary>The path under the property that holds the plan, e.g. <c>audio</c> gives <c>audio.steps[2].tone.hz</c>.</summary>
    public string PathUnder(string property) => Path.Length == 0 ? property : property + "." + Path;

    public override string ToString() => Path.Length == 0 ? Message : $"{Path}: {Message}";
}
