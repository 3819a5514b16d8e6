using System.Text.RegularExpressions;

namespace Serverless.Functions.Dials;

/// <summary>Configuration section <see cref="SectionName"/>: scheduled and retried dials.</summary>
public sealed partial class DialOptions
{
    /// <summary>Default configuration section.</summary>
    public const string SectionName = "Dials";

    /// <summary>Prefix of the dials table's name.</summary>
    public string TablePrefix { get; set; } = "Dial";

    /// <summary>
    /// Sustained rate of placed calls across the app, kept under Meta's call rate limit (138005): the scheduler never
    /// places more than <see cref="Burst"/> + rate × elapsed time.
    /// </summary>
    public double MaxDialsPerSecond { get; set; } = 1;

    /// <summary>Calls one scheduler run may place at once after a quiet period (the bucket's size).</summary>
    public int Burst { get; set; } = 5;

    /// <summary>Schedules one run looks at, at most.</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>Attempts a retry policy may ask for, at most.</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>
    /// An attempt claimed longer ago than this whose call was never stored (the placing run crashed) is placed again,
    /// under the same call id.
    /// </summary>
    public TimeSpan ClaimTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>When Meta names no reset time for an exhausted start_call limit, the next look is this much later.</summary>
    public TimeSpan LimitRecheck { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The table's name.</summary>
    public string TableName => TablePrefix + "Dials";

    /// <summary>Throws when a value cannot work.</summary>
    public void Validate()
    {
        if (!Prefix().IsMatch(TablePrefix))
        {
            throw new ArgumentException($"TablePrefix '{TablePrefix}' must be 1-40 letters or digits starting with a letter.", nameof(TablePrefix));
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MaxDialsPerSecond, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(Burst, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAttempts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ClaimTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(LimitRecheck, TimeSpan.Zero);
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{0,39}$")]
    private static partial Regex Prefix();
}
