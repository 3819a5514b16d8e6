using System.Globalization;
using System.Text.Json;
using Serverless.Functions.Tests.App;
using Serverless.Shared.Media;

namespace Serverless.Functions.Tests.Flows;

/// <summary>CallingSettings:Numbers:{id}:InboundPlan is what answers that number's inbound calls inside business hours.</summary>
public sealed class InboundPlanTests
{
    private const string Plan = """{"steps":[{"tone":{"hz":440,"ms":1500}},{"collect":{"max":4,"terminator":"#","timeoutMs":5000}},{"record":{"maxSeconds":3}}]}""";

    [Fact]
    public async Task An_inbound_call_to_a_number_with_a_plan_is_started_with_that_plan_and_other_numbers_without()
    {
        await using var app = await CallingApp.StartAsync(settings => settings[$"CallingSettings:Numbers:{CallingApp.PhoneNumberId}:InboundPlan"] = Plan);

        await app.DeliverAsync(MetaWebhooks.InboundConnect("wacid.PLAN1"));
        await app.DeliverAsync(MetaWebhooks.InboundConnect("wacid.PLAN2", CallingApp.OtherPhoneNumberId, "14155550124"));
        await app.Graph.WaitForRequestAsync(r => r.Action == "accept" && r.CallId == "wacid.PLAN2", new CancellationTokenSource(OutboundFlowTests.Timeout).Token);
        await app.Graph.WaitForRequestAsync(r => r.Action == "accept" && r.CallId == "wacid.PLAN1", new CancellationTokenSource(OutboundFlowTests.Timeout).Token);

        // Which number each start is for, as the API shows it (the command itself names only the call).
        var starts = new List<(string? Number, StartInbound Start)>();
        foreach (var start in app.Node.Commands.OfType<StartInbound>())
        {
            starts.Add(((await app.GetCallAsync(start.CallId)).GetProperty("from").GetString(), start));
        }

        var planned = Assert.Single(starts, s => s.Number == CallingApp.PhoneNumberId).Start;
        Assert.Equal(
            JsonSerializer.Serialize(JsonDocument.Parse(Plan).RootElement),
            JsonSerializer.Serialize(planned.AudioPlan!.Value));
        Assert.Null(Assert.Single(starts, s => s.Number == CallingApp.OtherPhoneNumberId).Start.AudioPlan);
    }

    [Fact]
    public async Task Outside_hours_the_closed_hours_prompt_still_answers_a_number_that_has_an_inbound_plan()
    {
        await using var app = await CallingApp.StartAsync(settings =>
        {
            settings[$"CallingSettings:Numbers:{CallingApp.PhoneNumberId}:InboundPlan"] = Plan;
            settings["CallingSettings:OutsideHours"] = "PlayClosedHoursPrompt";
            settings["CallingSettings:ClosedHoursPrompt"] = "closed-hours.wav";
        });
        var openDay = app.Time.GetUtcNow().AddDays(3).DayOfWeek.ToString().ToUpperInvariant();
        app.Graph.SettingsJson = string.Format(
            CultureInfo.InvariantCulture,
            """{{"calling":{{"status":"ENABLED","call_hours":{{"status":"ENABLED","timezone_id":"UTC","weekly_operating_hours":[{{"day_of_week":"{0}","open_time":"0000","close_time":"2359"}}]}}}},"id":"1000001"}}""",
            openDay);

        await app.DeliverAsync(MetaWebhooks.InboundConnect("wacid.CLOSEDPLAN"));
        await app.Graph.WaitForRequestAsync(r => r.Action == "accept", new CancellationTokenSource(OutboundFlowTests.Timeout).Token);

        var start = Assert.Single(app.Node.Commands.OfType<StartInbound>());
        Assert.Equal("closed-hours.wav", start.AudioPlan!.Value.GetProperty("steps")[0].GetProperty("prompt").GetString());
    }
}
