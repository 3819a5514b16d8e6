using System.Globalization;
using Serverless.Shared.WhatsApp.Graph.Models;

namespace Serverless.Functions.Settings;

/// <summary>
/// Checks a <c>calling</c> settings object against Meta's documented rules before it is sent
/// (meta-calling-api.md §4): known status values, at most two non-overlapping weekly ranges per day with
/// valid <c>HHmm</c> times, an IANA time zone, and at most 20 holidays with valid dates.
/// Meta would refuse most of these with a generic code 100; refusing here names the member.
/// </summary>
public static class CallingSettingsValidator
{
    /// <summary>Meta: "max 2 entries/day".</summary>
    public const int MaxRangesPerDay = 2;

    /// <summary>Meta: "holiday_schedule ≤ 20 entries".</summary>
    public const int MaxHolidays = 20;

    /// <summary>All problems found; empty when the object may be sent.</summary>
    public static IReadOnlyList<SettingsValidationError> Validate(CallingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var errors = new List<SettingsValidationError>();
        RequireKnown(settings.Status, "status", errors);
        if (settings.CallIconVisibility == CallIconVisibility.Unknown)
        {
            errors.Add(new("call_icon_visibility", "Must be DEFAULT or DISABLE_ALL."));
        }

        RequireKnown(settings.CallbackPermissionStatus, "callback_permission_status", errors);
        if (settings.Sip is not null)
        {
            RequireKnown(settings.Sip.Status, "sip.status", errors);
        }

        if (settings.Restrictions is not null)
        {
            errors.Add(new("restrictions", "Restrictions are set by Meta and cannot be sent."));
        }

        if (settings.CallHours is { } hours)
        {
            ValidateCallHours(hours, errors);
        }

        return errors;
    }

    private static void RequireKnown(FeatureStatus? status, string path, List<SettingsValidationError> errors)
    {
        if (status == FeatureStatus.Unknown)
        {
            errors.Add(new(path, "Must be ENABLED or DISABLED."));
        }
    }

    private static void ValidateCallHours(CallHours hours, List<SettingsValidationError> errors)
    {
        RequireKnown(hours.Status, "call_hours.status", errors);
        if (string.IsNullOrWhiteSpace(hours.TimezoneId))
        {
            errors.Add(new("call_hours.timezone_id", "An IANA time zone id is required."));
        }
        else if (!HoursMath.TryFindZone(hours.TimezoneId, out _))
        {
            errors.Add(new("call_hours.timezone_id", $"'{hours.TimezoneId}' is not a known IANA time zone id."));
        }

        ValidateWeekly(hours.WeeklyOperatingHours ?? [], errors);
        ValidateHolidays(hours.HolidaySchedule ?? [], errors);
    }

    private static void ValidateWeekly(IReadOnlyList<WeeklyOperatingHours> weekly, List<SettingsValidationError> errors)
    {
        var ranges = new List<(OperatingDay Day, int Open, int Close, int Index)>();
        for (var i = 0; i < weekly.Count; i++)
        {
            var entry = weekly[i];
            var path = $"call_hours.weekly_operating_hours[{i}]";
            if (entry is null)
            {
                errors.Add(new(path, "Entry must not be null."));
                continue;
            }

            if (entry.DayOfWeek == OperatingDay.Unknown)
            {
                errors.Add(new(path + ".day_of_week", "Must be MONDAY to SUNDAY."));
            }

            if (TryRange(entry.OpenTime, entry.CloseTime, path, "open_time", "close_time", errors) is { } range
                && entry.DayOfWeek != OperatingDay.Unknown)
            {
                ranges.Add((entry.DayOfWeek, range.Open, range.Close, i));
            }
        }

        foreach (var day in ranges.GroupBy(r => r.Day))
        {
            var sorted = day.OrderBy(r => r.Open).ToList();
            if (sorted.Count > MaxRangesPerDay)
            {
                errors.Add(new("call_hours.weekly_operating_hours", $"{day.Key} has {sorted.Count} ranges; at most {MaxRangesPerDay} are allowed."));
            }

            for (var i = 1; i < sorted.Count; i++)
            {
                if (sorted[i].Open < sorted[i - 1].Close)
                {
                    errors.Add(new(
                        $"call_hours.weekly_operating_hours[{sorted[i].Index}]",
                        $"{day.Key} range overlaps entry {sorted[i - 1].Index}."));
                }
            }
        }
    }

    private static void ValidateHolidays(IReadOnlyList<HolidaySchedule> holidays, List<SettingsValidationError> errors)
    {
        if (holidays.Count > MaxHolidays)
        {
            errors.Add(new("call_hours.holiday_schedule", $"{holidays.Count} holidays; at most {MaxHolidays} are allowed."));
        }

        for (var i = 0; i < holidays.Count; i++)
        {
            var entry = holidays[i];
            var path = $"call_hours.holiday_schedule[{i}]";
            if (entry is null)
            {
                errors.Add(new(path, "Entry must not be null."));
                continue;
            }

            if (!DateOnly.TryParseExact(entry.Date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            {
                errors.Add(new(path + ".date", $"'{entry.Date}' is not a yyyy-MM-dd date."));
            }

            TryRange(entry.StartTime, entry.EndTime, path, "start_time", "end_time", errors);
        }
    }

    private static (int Open, int Close)? TryRange(
        string? start, string? end, string path, string startName, string endName, List<SettingsValidationError> errors)
    {
        var open = HoursMath.ParseHhmm(start);
        var close = HoursMath.ParseHhmm(end);
        if (open is null)
        {
            errors.Add(new($"{path}.{startName}", $"'{start}' is not a valid HHmm time."));
        }

        if (close is null)
        {
            errors.Add(new($"{path}.{endName}", $"'{end}' is not a valid HHmm time."));
        }

        if (open is null || close is null)
        {
            return null;
        }

        if (open >= close)
        {
            errors.Add(new(path, $"{startName} {start} must be before {endName} {end}."));
            return null;
        }

        return (open.Value, close.Value);
    }
}
