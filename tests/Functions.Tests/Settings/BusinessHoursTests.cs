using Serverless.Functions.Settings;
using Serverless.Shared.WhatsApp.Graph.Models;

namespace Serverless.Functions.Tests.Settings;

public sealed class BusinessHoursTests
{
    // America/Manaus is UTC-4 all year (no DST), so local times below are UTC minus 4 h.
    private static readonly CallingSettings Manaus = new()
    {
        CallHours = new CallHours
        {
            Status = FeatureStatus.Enabled,
            TimezoneId = "America/Manaus",
            WeeklyOperatingHours = [new(OperatingDay.Monday, "0900", "1200"), new(OperatingDay.Monday, "1300", "1700")],
            HolidaySchedule = [new("2026-12-07", "0000", "2359")],
        },
    };

    [Theory]
    [InlineData("2026-11-30T13:00:00Z", true)]   // Monday 09:00 local: first minute open
    [InlineData("2026-11-30T12:59:00Z", false)]  // Monday 08:59 local
    [InlineData("2026-11-30T16:00:00Z", false)]  // Monday 12:00 local: close is exclusive
    [InlineData("2026-11-30T17:30:00Z", true)]   // Monday 13:30 local: second range
    [InlineData("2026-12-01T13:00:00Z", false)]  // Tuesday: no hours at all
    [InlineData("2026-12-01T03:30:00Z", false)]  // Monday 23:30 local, but Tuesday in UTC
    [InlineData("2026-12-07T14:00:00Z", false)]  // a Monday that is a whole-day holiday
    public void IsOpen_follows_weekly_hours_in_the_configured_zone(string instant, bool open) =>
        Assert.Equal(open, BusinessHours.IsOpen(Manaus, DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void Without_enabled_call_hours_the_business_is_always_open()
    {
        var instant = new DateTimeOffset(2026, 12, 1, 3, 0, 0, TimeSpan.Zero);

        Assert.True(BusinessHours.IsOpen(new CallingSettings(), instant));
        Assert.True(BusinessHours.IsOpen(Manaus with { CallHours = Manaus.CallHours! with { Status = FeatureStatus.Disabled } }, instant));
    }

    [Fact]
    public void End_time_2359_covers_the_last_minute_of_the_day()
    {
        var lateHours = Manaus with { CallHours = Manaus.CallHours! with { WeeklyOperatingHours = [new(OperatingDay.Monday, "2000", "2359")], HolidaySchedule = [] } };

        Assert.True(BusinessHours.IsOpen(lateHours, new DateTimeOffset(2026, 12, 1, 3, 59, 30, TimeSpan.Zero)));
    }

    [Fact]
    public void Invalid_enabled_hours_are_an_argument_error_not_a_guess() =>
        Assert.Throws<ArgumentException>(() => BusinessHours.IsOpen(
            Manaus with { CallHours = Manaus.CallHours! with { TimezoneId = "Nowhere/Land" } }, DateTimeOffset.UnixEpoch));
}
