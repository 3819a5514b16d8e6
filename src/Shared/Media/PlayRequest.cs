namespace Serverless.Shared.Media;

/// <summary>What kind of audio a <see cref="Play"/> command asks for.</summary>
public enum PlayKind
{
    /// <summary>A recorded prompt at <see cref="PlayRequest.Uri"/> (e.g. a blob).</summary>
    Prompt,

    /// <summary>A pure tone of <see cref="PlayRequest.FrequencyHz"/> for <see cref="PlayRequest.Duration"/>.</summary>
    Tone,

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

    /// <summary>Tone frequency for <see cref="PlayKind.Tone"/>.</summary>
    public int? FrequencyHz { get; init; }

    /// <summary>Length for tones and silence; null plays a prompt to its end.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Whether caller DTMF stops the playback.</summary>
    public bool BargeIn { get; init; }

    /// <summary>Digits to collect once the playback ended, or null.</summary>
    public PlayCollect? Collect { get; init; }
}

/// <summary>
/// Digits to collect after a <see cref="PlayRequest"/> has played (<c>thenCollect</c> of the play API); the node
/// reports them as it reports a plan's collect step. Digits pressed while the item plays count; earlier ones do not.
/// </summary>
public sealed record PlayCollect
{
    /// <summary>At most this many digits (1-32).</summary>
    public required int MaxDigits { get; init; }

    /// <summary>A key that ends collection early (not reported), or null.</summary>
    public char? Terminator { get; init; }

    /// <summary>How long to wait for the digits, from the end of the playback.</summary>
    public required TimeSpan Timeout { get; init; }

    /// <summary>The caller's name for this input, reported with the digits.</summary>
    public string? Name { get; init; }
}
