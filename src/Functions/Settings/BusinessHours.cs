using Serverless.Shared.WhatsApp.Graph.Models;

namespace Serverless.Functions.Settings;

/// <summary>
/// Whether the business takes user-initiated calls at an instant, per its <c>call_hours</c> (meta-calling-api.md §4).
/// Pure: the inbound flow decides what "closed" does (reject, or a closed-hours prompt).
/// </summary>
public static class BusinessHours
{
    private const int EndOfDay = (23 * 60) + 59;

    /// <summary>
    /// True when calls are accepted at <paramref name="instant"/>: call hours absent or not ENABLED means always open.
    /// Otherwise, in the configured zone, a holiday range covering the local time closes; else a weekly range of
    /// that weekday must cover it. Ranges include their start and exclude their end, except an end of
    /// <c>2359</c>, which means "to the end of the day" (Meta's own whole-day holiday example is 0000–2359).
    /// </summary>
    /// <exception cref="ArgumentException">The call hours are enabled but do not pass <see cref="CallingSettingsValidator"/>.</exception>
    public static bool IsOpen(CallingSettings settings, DateTimeOffset instant)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.CallHours is not { Status: FeatureStatus.Enabled } hours)
        {
            return true;
        }

        var problems = CallingSettingsValidator.Validate(settings with { Restrictions = null });
        if (problems.Count > 0)
        {
            throw new ArgumentException($"Call hours are invalid: {problems[0].Path}: {problems[0].Message}", nameof(settings));
        }

        HoursMath.TryFindZone(hours.TimezoneId!, out var zone);
        var local = TimeZoneInfo.ConvertTime(instant, zone!);
        var date = DateOnly.FromDateTime(local.DateTime);
        var minute = (local.Hour * 60) + local.Minute;

        foreach (var holiday in hours.HolidaySchedule ?? [])
        {
            if (DateOnly.ParseExact(holiday.Date, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) == date
                && Covers(holiday.StartTime, holiday.EndTime, minute))
            {
                return false;
            }
        }

        var day = ToOperatingDay(local.DayOfWeek);
        return (hours.WeeklyOperatingHours ?? []).Any(r => r.DayOfWeek == day && Covers(r.OpenTime, r.CloseTime, minute));
    }

    private static bool Covers(string start, string end, int minute)
    {
        var open = HoursMath.ParseHhmm(start)!.Value;
        var close = HoursMath.ParseHhmm(end)!.Value;
        return minute >= open && (minute < close || close == EndOfDay);
    }

    private static OperatingDay ToOperatingDay(DayOfWeek day) => day switch
    {
        DayOfWeek.Monday => OperatingDay.Monday,
        DayOfWeek.Tuesday => OperatingDay.Tuesday,
        DayOfWeek.Wednesday => OperatingDay.Wednesday,
        DayOfWeek.Thursday => OperatingDay.Thursday,
        DayOfWeek.Friday => OperatingDay.Friday,
        DayOfWeek.Saturday => OperatingDay.Saturday,
        _ => OperatingDay.Sunday,
    };
}
