namespace Serverless.Shared.Media;

/// <summary>How a run of digits from the user ended.</summary>
public enum InputEnd
{
    /// <summary>The collect step's terminator was pressed (it is not part of the digits).</summary>
    Terminator,

    /// <summary>The collect step got as many digits as it allows.</summary>
    MaxDigits,

    /// <summary>The collect step's timeout passed.</summary>
    Timeout,

    /// <summary>The call ended during the collect step.</summary>
    Hangup,

    /// <summary>Pressed while no collect step was waiting (reported as it arrived).</summary>
    Unprompted,
}

/// <summary>Digits the user pressed: one collect step's result, or a key pressed outside any collect step.</summary>
public sealed record DigitInput
{
    /// <summary>Digits in order (0-9, *, #, A-D); the terminator is not included. May be empty (a timeout).</summary>
    public required string Digits { get; init; }

    /// <summary>How the input ended.</summary>
    public required InputEnd EndedBy { get; init; }

    /// <summary>The terminator pressed, when <see cref="EndedBy"/> is <see cref="InputEnd.Terminator"/>.</summary>
    public string? Terminator { get; init; }

    /// <summary>The collect step's <c>name</c> from the audio plan, when it has one.</summary>
    public string? Name { get; init; }

    /// <summary>When the collect step began (for an unprompted key: when it arrived).</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>When the input ended.</summary>
    public required DateTimeOffset EndedAt { get; init; }
}
