using System.Net;
using System.Net.Http.Json;
using Serverless.Functions.Tests.App;

namespace Serverless.Functions.Tests.Sweeper;

/// <summary>
/// Timed work arrives by queue at its time, with no timer run: the product sends each message with its due time
/// (visible at once here, as the clock is fake; see tests/FunctionsHost README) and RunQueueAsync delivers it when the
/// app's clock reaches it.
/// </summary>
public sealed class DeferredWorkTests
{
    [Fact]
    public async Task A_call_no_node_takes_fails_when_its_deadline_message_falls_due_and_a_second_delivery_changes_nothing()
    {
        await using var app = await CallingApp.StartAsync(runNode: false);
        using var dial = await app.DialAsync(new { to = "+14155550123" });
        Assert.Equal(HttpStatusCode.Accepted, dial.StatusCode);
        var callId = (await CallingApp.ReadJsonAsync(dial)).GetProperty("id").GetString()!;

        app.Time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(0, await app.Host.RunQueueAsync("CallDeadline")); // the placement window (10 s) has not passed
        Assert.Equal("preparing", (await app.GetCallAsync(callId)).GetProperty("state").GetString());

        app.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1, await app.Host.RunQueueAsync("CallDeadline"));
        var failed = await app.GetCallAsync(callId);
        Assert.Equal(("failed", "capacity"), (failed.GetProperty("state").GetString(), failed.GetProperty("lastError").GetProperty("code").GetString()));
        var history = (await app.GetCallAsync(callId)).GetProperty("events").GetArrayLength();

        // The safety sweep finds nothing left to do for it, and the history does not grow.
        await app.Host.RunTimerAsync("Sweeper");
        Assert.Equal(history, (await app.GetCallAsync(callId)).GetProperty("events").GetArrayLength());
        Assert.Empty(app.Graph.Actions);
    }

    [Fact]
    public async Task A_scheduled_dial_is_placed_when_its_message_falls_due_and_its_attempt_is_rechecked_while_in_flight()
    {
        await using var app = await CallingApp.StartAsync(runNode: false);
        var request = new HttpRequestMessage(HttpMethod.Post, "api/dials")
        {
            Content = JsonContent.Create(new { to = "+14155550123", notBefore = app.Time.GetUtcNow().AddMinutes(1) }),
        };
        using var scheduled = await app.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, scheduled.StatusCode);

        Assert.Equal(0, await app.Host.RunQueueAsync("DialScheduler"));
        Assert.Equal(0, app.Bus.CountReady("commands-new"));

        app.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await app.Host.RunQueueAsync("DialScheduler"));
        Assert.Equal(1, app.Bus.CountReady("commands-new"));

        // The attempt is in flight: one re-check follows (NodeWatch:FullRetryAfter, 5 s), not a chain per message.
        Assert.Equal(0, await app.Host.RunQueueAsync("DialScheduler"));
        app.Time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, await app.Host.RunQueueAsync("DialScheduler"));
        Assert.Equal(1, app.Bus.CountReady("commands-new"));
    }
}
