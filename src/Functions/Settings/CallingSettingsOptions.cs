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
