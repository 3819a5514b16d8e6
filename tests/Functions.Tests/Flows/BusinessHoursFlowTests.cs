using System.Globalization;
using Serverless.Functions.Tests.App;

namespace Serverless.Functions.Tests.Flows;

/// <summary>Inbound calls outside the number's call_hours (meta-calling-api.md §4) are declined before anything is stored.</summary>
public sealed class BusinessHoursFlowTests
{
    [Fact]
    public async Task Inbound_call_outside_business_hours_is_rejected_and_not_stored()
    {
        await using var app = await CallingApp.StartAsync(runNode: false);
        // Open only on a weekday three days away (in UTC), all day: closed now, whatever the real date is.
        var openDay = app.Time.GetUtcNow().AddDays(3).DayOfWeek.ToString().ToUpperInvariant();
        app.Graph.SettingsJson = Settings(Day(openDay));

        await app.DeliverAsync(MetaWebhooks.InboundConnect("wacid.CLOSED1"));
        await app.DeliverAsync(MetaWebhooks.InboundConnect("wacid.CLOSED2"));

        Assert.Equal(["reject", "reject"], app.Graph.Actions);
        Assert.Equal(["wacid.CLOSED1", "wacid.CLOSED2"], app.Graph.Requests.Select(r => r.CallId));
        Assert.Equal(0, app.Bus.CountReady("commands-new"));
        Assert.Equal(1, app.Graph.SettingsReads); // cached for the second call
        using var list = await app.Client.GetAsync(new Uri("api/calls", UriKind.Relative));
        Assert.Equal(0, (await CallingApp.ReadJsonAsync(list)).GetProperty("calls").GetArrayLength());
    }

    [Fact]
    public async Task Inbound_call_inside_business_hours_is_served()
    {
        await using var app = await CallingApp.StartAsync(runNode: false);
        var today = app.Time.GetUtcNow().DayOfWeek.ToString().ToUpperInvariant();
        var tomorrow = app.Time.GetUtcNow().AddDays(1).DayOfWeek.ToString().ToUpperInvariant();
        app.Graph.SettingsJson = Settings(Day(today) + "," + Day(tomorrow));

        await app.DeliverAsync(MetaWebhooks.InboundConnect("wacid.OPEN1"));

        Assert.Empty(app.Graph.Requests);
        Assert.Equal(1, app.Bus.CountReady("commands-new"));
    }

    [Fact]
    public async Task Inbound_call_outside_business_hours_is_answered_with_the_closed_hours_prompt_when_configured()
    {
        await using var app = await CallingApp.StartAsync(settings =>
        {
            settings["CallingSettings:OutsideHours"] = "PlayClosedHoursPrompt";
            settings["CallingSettings:ClosedHoursPrompt"] = "closed-hours.wav";
        });
        var openDay = app.Time.GetUtcNow().AddDays(3).DayOfWeek.ToString().ToUpperInvariant();
        app.Graph.SettingsJson = Settings(Day(openDay));

        await app.DeliverAsync(MetaWebhooks.InboundConnect("wacid.CLOSEDPROMPT"));
        await app.Graph.WaitForRequestAsync(r => r.Action == "accept", new CancellationTokenSource(OutboundFlowTests.Timeout).Token);

        // Answered (pre_accept + accept), not rejected, and the node was told to play the prompt then hang up.
        Assert.Equal(["pre_accept", "accept"], app.Graph.Actions);
        var start = Assert.IsType<Serverless.Shared.Media.StartInbound>(app.Node.Commands.First(c => c is Serverless.Shared.Media.StartInbound));
        var steps = start.AudioPlan!.Value.GetProperty("steps");
        Assert.Equal("closed-hours.wav", steps[0].GetProperty("prompt").GetString());
        Assert.True(steps[1].TryGetProperty("hangup", out _));
    }

    private static string Settings(string weeklyHours) =>
        """{"calling":{"status":"ENABLED","call_hours":{"status":"ENABLED","timezone_id":"UTC","weekly_operating_hours":[""" +
        weeklyHours + "]}},\"id\":\"1000001\"}";

    private static string Day(string day) =>
        string.Format(CultureInfo.InvariantCulture, """{{"day_of_week":"{0}","open_time":"0000","close_time":"2359"}}""", day);
}
