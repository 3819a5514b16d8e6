namespace Serverless.Shared.Media;

/// <summary>What kind of audio a <see cref="Play"/> command asks for.</summary>
public enum PlayKind
{
    /// <summary>A recorded prompt at <see cref="PlayRequest.Uri"/> (e.g. a blob).</summary>
    Prompt,

    /// <summary>A pure tone of <see cref="PlayRequest.FrequencyHz"/> for <see cref="PlayRequest.Duration"/>.</summary>
    Tone,

    /// <summary>Synthesised speech of <see cref="PlayRequest.Text"/>.</summary>
    Speech,

    /// <summary>Silence (comfort noise) for <see cref="PlayRequest.Duration"/>.</summary>
    Silence,
}

/// <summary>A small typed description of one playback; which fields matter depends on <see cref="Kind"/>.</summary>
public sealed record PlayRequest
{
    /// <summary>What to play.</summary>
    public required PlayKind Kind { get; init; }

    /// <summary>Prompt location for <see cref="PlayKind.Prompt"/>.</summary>
    public Uri? Uri { get; init; }

    /// <summary>Text for <see cref="PlayKind.Speech"/>.</summary>
    public string? Text { get; init; }

    /// <summary>Tone frequency for <see cref="PlayKind.Tone"/>.</summary>
    public int? FrequencyHz { get; init; }

    /// <summary>Length for tones and silence; null plays a prompt to its end.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Whether caller DTMF stops the playback.</summary>
    public bool BargeIn { get; init; }
}
