using Serverless.Functions.Settings;
using Serverless.Shared.WhatsApp.Graph.Models;

namespace Serverless.Functions.Tests.Settings;

/// <summary>Meta's settings rules (meta-calling-api.md §4), one row per rule.</summary>
public sealed class CallingSettingsValidatorTests
{
    private static CallingSettings WithHours(
        IReadOnlyList<WeeklyOperatingHours>? weekly = null, IReadOnlyList<HolidaySchedule>? holidays = null, string zone = "America/Manaus") => new()
    {
        Status = FeatureStatus.Enabled,
        CallHours = new CallHours
        {
            Status = FeatureStatus.Enabled,
            TimezoneId = zone,
            WeeklyOperatingHours = weekly ?? [new(OperatingDay.Monday, "0900", "1200"), new(OperatingDay.Monday, "1300", "1700")],
            HolidaySchedule = holidays ?? [new("2026-01-01", "0000", "2359")],
        },
    };

    [Fact]
    public void Meta_example_with_two_ranges_a_day_is_valid() =>
        Assert.Empty(CallingSettingsValidator.Validate(WithHours()));

    public static TheoryData<string, CallingSettings, string> Invalid => new()
    {
        { "unknown status", new CallingSettings { Status = FeatureStatus.Unknown }, "status" },
        { "unknown icon visibility", new CallingSettings { CallIconVisibility = CallIconVisibility.Unknown }, "call_icon_visibility" },
        { "unknown callback permission status", new CallingSettings { CallbackPermissionStatus = FeatureStatus.Unknown }, "callback_permission_status" },
        { "restrictions are read-only", new CallingSettings { Restrictions = new CallingRestrictions() }, "restrictions" },
        {
            "three ranges on one day",
            WithHours([new(OperatingDay.Friday, "0800", "0900"), new(OperatingDay.Friday, "1000", "1100"), new(OperatingDay.Friday, "1200", "1300")]),
            "call_hours.weekly_operating_hours"
        },
        { "overlapping ranges", WithHours([new(OperatingDay.Monday, "0900", "1200"), new(OperatingDay.Monday, "1130", "1400")]), "call_hours.weekly_operating_hours[1]" },
        { "hour 24", WithHours([new(OperatingDay.Monday, "2400", "2401")]), "call_hours.weekly_operating_hours[0].open_time" },
        { "minute 60", WithHours([new(OperatingDay.Monday, "0900", "0960")]), "call_hours.weekly_operating_hours[0].close_time" },
        { "not four digits", WithHours([new(OperatingDay.Monday, "900", "1000")]), "call_hours.weekly_operating_hours[0].open_time" },
        { "close before open", WithHours([new(OperatingDay.Monday, "1700", "0900")]), "call_hours.weekly_operating_hours[0]" },
        { "unknown day", WithHours([new(OperatingDay.Unknown, "0900", "1000")]), "call_hours.weekly_operating_hours[0].day_of_week" },
        { "Windows zone name", WithHours(zone: "E. South America Standard Time"), "call_hours.timezone_id" },
        { "made-up zone", WithHours(zone: "Mars/Olympus_Mons"), "call_hours.timezone_id" },
        { "offset instead of zone", WithHours(zone: "+03:00"), "call_hours.timezone_id" },
        { "21 holidays", WithHours(holidays: [.. Enumerable.Range(1, 21).Select(d => new HolidaySchedule($"2026-03-{d:00}", "0000", "2359"))]), "call_hours.holiday_schedule" },
        { "impossible holiday date", WithHours(holidays: [new("2026-02-30", "0000", "2359")]), "call_hours.holiday_schedule[0].date" },
        { "holiday date in another format", WithHours(holidays: [new("01/01/2026", "0000", "2359")]), "call_hours.holiday_schedule[0].date" },
        { "holiday with bad time", WithHours(holidays: [new("2026-01-01", "0000", "2360")]), "call_hours.holiday_schedule[0].end_time" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_settings_are_refused_naming_the_member(string because, CallingSettings settings, string path)
    {
        var errors = CallingSettingsValidator.Validate(settings);

        Assert.True(errors.Any(e => e.Path == path), $"{because}: expected an error at {path}, got [{string.Join("; ", errors)}]");
    }

    [Fact]
    public void Twenty_holidays_and_back_to_back_ranges_are_allowed()
    {
        var settings = WithHours(
            [new(OperatingDay.Sunday, "0000", "1200"), new(OperatingDay.Sunday, "1200", "2359")],
            [.. Enumerable.Range(1, 20).Select(d => new HolidaySchedule($"2026-03-{d:00}", "0000", "2359"))]);

        Assert.Empty(CallingSettingsValidator.Validate(settings));
    }
}
