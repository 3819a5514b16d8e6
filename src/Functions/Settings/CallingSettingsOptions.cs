namespace Serverless.Functions.Settings;

/// <summary>Configuration section <see cref="SectionName"/>: how the app treats calling settings.</summary>
public sealed class CallingSettingsOptions
{
    /// <summary>Default configuration section.</summary>
    public const string SectionName = "CallingSettings";

    /// <summary>What inbound calls outside <c>call_hours</c> get (see <see cref="BusinessHours.IsOpen"/>).</summary>
    public ClosedHoursAction OutsideHours { get; set; } = ClosedHoursAction.Reject;

    /// <summary>Prompt (media id or blob name) played when <see cref="OutsideHours"/> is <see cref="ClosedHoursAction.PlayClosedHoursPrompt"/>.</summary>
    public string? ClosedHoursPrompt { get; set; }

    /// <summary>
    /// Per business number (key: its phone number id), what this app does with its calls. Configuration
    /// <c>CallingSettings:Numbers:{phoneNumberId}:InboundPlan</c>.
    /// </summary>
    public Dictionary<string, NumberCallingOptions> Numbers { get; } = new(StringComparer.Ordinal);

    /// <summary>How long the calling settings read from Graph are reused by the inbound business-hours check.</summary>
    public TimeSpan SettingsCacheTtl { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Throws when the combination cannot work.</summary>
    public void Validate()
    {
        if (OutsideHours == ClosedHoursAction.PlayClosedHoursPrompt && string.IsNullOrWhiteSpace(ClosedHoursPrompt))
        {
            throw new ArgumentException("ClosedHoursPrompt is required when OutsideHours is PlayClosedHoursPrompt.", nameof(ClosedHoursPrompt));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(SettingsCacheTtl, TimeSpan.Zero);
    }
}

/// <summary>The settings of one business number (<see cref="CallingSettingsOptions.Numbers"/>).</summary>
public sealed class NumberCallingOptions
{
    /// <summary>
    /// The audio plan (JSON text, the <c>audio</c> of a dial) that answers this number's inbound calls inside business
    /// hours; none: the call is answered with silence until someone hangs up. The one place that says what answers an
    /// inbound call (<see cref="InboundPlans"/>).
    /// </summary>
    public string? InboundPlan { get; set; }
}
