using System.Text;
using Serverless.Testing.WhatsAppSimulator.Tests.Infrastructure;

namespace Serverless.Testing.WhatsAppSimulator.Tests.Graph;

public sealed class SettingsEndpointTests
{
    [Fact]
    public async Task Post_returns_success_and_get_returns_the_stored_calling_object()
    {
        await using var h = await SimulatorHarness.StartAsync();
        const string Calling = """
            {"calling":{"status":"ENABLED","call_icon_visibility":"DISABLE_ALL","callback_permission_status":"ENABLED",
             "call_hours":{"status":"ENABLED","timezone_id":"America/Manaus",
               "weekly_operating_hours":[{"day_of_week":"MONDAY","open_time":"0400","close_time":"1020"},{"day_of_week":"MONDAY","open_time":"1100","close_time":"1800"}],
               "holiday_schedule":[{"date":"2026-01-01","start_time":"0000","end_time":"2359"}]}}}
            """;

        var post = await h.PostAsync("settings", Calling);
        var get = await h.GetAsync("settings");

        Assert.Equal(200, post.Status);
        Assert.Equal("""{"success":true}""", post.Body);
        var calling = get.Json.RootElement.GetProperty("calling");
        Assert.Equal("DISABLE_ALL", calling.GetProperty("call_icon_visibility").GetString());
        Assert.Equal("ENABLED", calling.GetProperty("callback_permission_status").GetString());
        Assert.Equal(2, calling.GetProperty("call_hours").GetProperty("weekly_operating_hours").GetArrayLength());
        Assert.True(h.Simulator.Settings.IsCallbackPermissionEnabled(h.PhoneNumberId));
    }

    [Fact]
    public async Task Default_settings_have_calling_enabled()
    {
        await using var h = await SimulatorHarness.StartAsync();

        var get = await h.GetAsync("settings");

        Assert.Equal("ENABLED", get.Json.RootElement.GetProperty("calling").GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("""{"calling":{"status":"ON"}}""")]
    [InlineData("""{"calling":{"call_icon_visibility":"HIDDEN"}}""")]
    [InlineData("""{"calling":{"callback_permission_status":"YES"}}""")]
    [InlineData("""{"calling":{"call_hours":{"status":"ENABLED","weekly_operating_hours":[{"day_of_week":"FUNDAY","open_time":"0400","close_time":"1020"}]}}}""")]
    [InlineData("""{"calling":{"call_hours":{"status":"ENABLED","weekly_operating_hours":[{"day_of_week":"MONDAY","open_time":"1020","close_time":"0400"}]}}}""")]
    [InlineData("""{"calling":{"call_hours":{"status":"ENABLED","weekly_operating_hours":[{"day_of_week":"MONDAY","open_time":"0400","close_time":"1000"},{"day_of_week":"MONDAY","open_time":"0900","close_time":"1100"}]}}}""")]
    [InlineData("""{"calling":{"call_hours":{"status":"ENABLED","weekly_operating_hours":[{"day_of_week":"MONDAY","open_time":"0100","close_time":"0200"},{"day_of_week":"MONDAY","open_time":"0300","close_time":"0400"},{"day_of_week":"MONDAY","open_time":"0500","close_time":"0600"}]}}}""")]
    [InlineData("""{"status":"ENABLED"}""")]
    public async Task Invalid_settings_are_code_100_and_not_stored(string body)
    {
        await using var h = await SimulatorHarness.StartAsync();
        var before = (await h.GetAsync("settings")).Body;

        var reply = await h.PostAsync("settings", body);

        Assert.Equal(400, reply.Status);
        Assert.Equal(100, reply.Error.GetProperty("code").GetInt32());
        Assert.Equal(before, (await h.GetAsync("settings")).Body);
    }

    [Theory]
    [InlineData(20, 200)]
    [InlineData(21, 400)]
    public async Task Holiday_schedule_allows_at_most_20_entries(int holidays, int status)
    {
        await using var h = await SimulatorHarness.StartAsync();
        var entries = new StringBuilder();
        for (var i = 0; i < holidays; i++)
        {
            var date = new DateOnly(2026, 2, i + 1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            entries.Append(i == 0 ? string.Empty : ",").Append("{\"date\":\"" + date + "\",\"start_time\":\"0000\",\"end_time\":\"2359\"}");
        }

        var reply = await h.PostAsync("settings", """{"calling":{"call_hours":{"status":"ENABLED","holiday_schedule":[""" + entries + "]}}}");

        Assert.Equal(status, reply.Status);
    }
}
