using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Serverless.Functions.Tests.App;
using Serverless.Shared.Media;

namespace Serverless.Functions.Tests.Dials;

/// <summary>Scheduled and retried dials placed by the timer-triggered scheduler (fake clock, Azurite, fake Graph).</summary>
public sealed class DialSchedulerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Hundred_dials_due_at_once_are_spread_under_the_configured_rate()
    {
        await using var app = await CallingApp.StartAsync(
            s =>
            {
                s["Dials:MaxDialsPerSecond"] = "2";
                s["Dials:Burst"] = "5";
            },
            runNode: false);
        var notBefore = app.Time.GetUtcNow().AddMinutes(1);
        for (var i = 0; i < 100; i++)
        {
            var to = "+1415555" + (1000 + i).ToString(CultureInfo.InvariantCulture);
            using var scheduled = await ScheduleAsync(app, new { to, notBefore });
            Assert.Equal(HttpStatusCode.Accepted, scheduled.StatusCode);
        }

        await app.Host.RunTimerAsync("Sweeper");
        Assert.Equal(0, app.Bus.CountReady("commands-new")); // not due yet

        app.Time.Advance(TimeSpan.FromMinutes(1));
        var seconds = 0;
        var placed = 0;
        for (; seconds < 120 && placed < 100; seconds++)
        {
            await app.Host.RunTimerAsync("Sweeper");
            placed = app.Bus.CountReady("commands-new");
            // Token bucket: never more than the burst plus the rate times the time elapsed since the dials fell due.
            Assert.InRange(placed, 0, 5 + (2 * seconds));
            app.Time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(100, placed);
        Assert.InRange(seconds, 48, 50); // (100 - 5) / 2 per second after the first burst
        Assert.Equal(100, app.Graph.PermissionLookups.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task A_dial_rejected_by_the_user_is_retried_after_the_spacing()
    {
        await using var app = await CallingApp.StartAsync();
        using var scheduled = await ScheduleAsync(app, new
        {
            to = "+14155550123",
            retry = new { maxAttempts = 2, spacingSeconds = 60, retryOn = new[] { "rejected" } },
        });
        var dialId = (await CallingApp.ReadJsonAsync(scheduled)).GetProperty("id").GetString()!;

        await app.Host.RunTimerAsync("Sweeper");
        var first = (await GetDialAsync(app, dialId)).GetProperty("attempts")[0].GetProperty("callId").GetString()!;
        await app.Node.Acked<OfferReady>(first).WaitAsync(Timeout);
        await app.DeliverAsync(MetaWebhooks.Status(FakeGraph.WacidFor(1), "REJECTED"));
        await app.Node.Acked<MediaEnded>(first).WaitAsync(Timeout);

        await app.Host.RunTimerAsync("Sweeper"); // settles: rejected → retry in 60 s
        await app.Host.RunTimerAsync("Sweeper"); // not due yet
        var waiting = await GetDialAsync(app, dialId);
        Assert.Equal("scheduled", waiting.GetProperty("state").GetString());
        Assert.Equal(1, waiting.GetProperty("attempts").GetArrayLength());
        Assert.Equal("rejected", waiting.GetProperty("attempts")[0].GetProperty("outcome").GetString());

        app.Time.Advance(TimeSpan.FromSeconds(61));
        await app.Host.RunTimerAsync("Sweeper");

        var retried = await GetDialAsync(app, dialId);
        Assert.Equal("dialling", retried.GetProperty("state").GetString());
        Assert.Equal(2, retried.GetProperty("attempts").GetArrayLength());
        var second = retried.GetProperty("attempts")[1].GetProperty("callId").GetString()!;
        Assert.NotEqual(first, second);
        await app.Node.Acked<OfferReady>(second).WaitAsync(Timeout);
        Assert.Equal(["connect", "connect"], app.Graph.Actions);
        var call = await app.GetCallAsync(second);
        Assert.Equal(dialId, call.GetProperty("metadata").GetProperty("dialId").GetString());
    }

    [Fact]
    public async Task A_cancelled_schedule_never_dials()
    {
        await using var app = await CallingApp.StartAsync(runNode: false);
        using var scheduled = await ScheduleAsync(app, new { to = "+14155550123", notBefore = app.Time.GetUtcNow().AddMinutes(1) });
        var dialId = (await CallingApp.ReadJsonAsync(scheduled)).GetProperty("id").GetString()!;

        using var cancel = await app.Client.DeleteAsync(new Uri("api/dials/" + dialId, UriKind.Relative));
        using var again = await app.Client.DeleteAsync(new Uri("api/dials/" + dialId, UriKind.Relative));
        app.Time.Advance(TimeSpan.FromMinutes(5));
        await app.Host.RunTimerAsync("Sweeper");

        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var dial = await GetDialAsync(app, dialId);
        Assert.Equal("cancelled", dial.GetProperty("state").GetString());
        Assert.Equal(0, dial.GetProperty("attempts").GetArrayLength());
        Assert.Equal(0, app.Bus.CountReady("commands-new"));
        Assert.Empty(app.Graph.PermissionLookups);
    }

    [Fact]
    public async Task A_temporary_permission_that_expires_during_the_schedule_stops_the_dial()
    {
        await using var app = await CallingApp.StartAsync(runNode: false);
        app.Graph.PermissionsJson = FakeGraph.Permissions("temporary", expires: app.Time.GetUtcNow().AddHours(1));
        using var scheduled = await ScheduleAsync(app, new { to = "+14155550123", notBefore = app.Time.GetUtcNow().AddHours(2) });
        var dialId = (await CallingApp.ReadJsonAsync(scheduled)).GetProperty("id").GetString()!;

        app.Time.Advance(TimeSpan.FromHours(2));
        await app.Host.RunTimerAsync("Sweeper");

        var dial = await GetDialAsync(app, dialId);
        Assert.Equal("refused", dial.GetProperty("state").GetString());
        Assert.Equal("call-permission-expired", dial.GetProperty("reason").GetString());
        Assert.Equal(0, dial.GetProperty("attempts").GetArrayLength());
        Assert.Equal(0, app.Bus.CountReady("commands-new"));
    }

    [Fact]
    public async Task Metas_exhausted_call_limit_defers_the_dial_to_the_reset_time()
    {
        await using var app = await CallingApp.StartAsync(runNode: false);
        var resetsAt = DateTimeOffset.FromUnixTimeSeconds(app.Time.GetUtcNow().AddHours(3).ToUnixTimeSeconds());
        app.Graph.PermissionsJson = FakeGraph.Permissions("permanent", canStartCall: false, callsUsed: 100, callsReset: resetsAt);
        using var scheduled = await ScheduleAsync(app, new { to = "+14155550123" });
        var dialId = (await CallingApp.ReadJsonAsync(scheduled)).GetProperty("id").GetString()!;

        await app.Host.RunTimerAsync("Sweeper");

        var dial = await GetDialAsync(app, dialId);
        Assert.Equal("scheduled", dial.GetProperty("state").GetString());
        Assert.Equal(resetsAt, dial.GetProperty("nextAttemptAt").GetDateTimeOffset());
        Assert.Equal(0, app.Bus.CountReady("commands-new"));
    }

    [Fact]
    public async Task The_same_Idempotency_Key_schedules_one_dial()
    {
        await using var app = await CallingApp.StartAsync(runNode: false);

        using var first = await ScheduleAsync(app, new { to = "+14155550123" }, "campaign-7-user-1");
        using var second = await ScheduleAsync(app, new { to = "+14155550123" }, "campaign-7-user-1");
        await app.Host.RunTimerAsync("Sweeper");

        var id = (await CallingApp.ReadJsonAsync(first)).GetProperty("id").GetString();
        Assert.Equal(id, (await CallingApp.ReadJsonAsync(second)).GetProperty("id").GetString());
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal(1, app.Bus.CountReady("commands-new"));
    }

    [Fact]
    public async Task The_same_Idempotency_Key_with_a_different_body_is_a_422_problem_and_schedules_nothing_more()
    {
        await using var app = await CallingApp.StartAsync(runNode: false);

        using var first = await ScheduleAsync(app, new { to = "+14155550123" }, "campaign-7-user-2");
        using var other = await ScheduleAsync(app, new { to = "+14155550123", notBefore = "2030-01-01T00:00:00Z" }, "campaign-7-user-2");
        await app.Host.RunTimerAsync("Sweeper");

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal((HttpStatusCode)422, other.StatusCode);
        Assert.EndsWith("/idempotency-key-reused", (await CallingApp.ReadJsonAsync(other)).GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, app.Bus.CountReady("commands-new"));
    }

    private static Task<HttpResponseMessage> ScheduleAsync(CallingApp app, object body, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/dials") { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return app.Client.SendAsync(request);
    }

    private static async Task<JsonElement> GetDialAsync(CallingApp app, string dialId)
    {
        using var response = await app.Client.GetAsync(new Uri("api/dials/" + dialId, UriKind.Relative));
        response.EnsureSuccessStatusCode();
        return await CallingApp.ReadJsonAsync(response);
    }
}
