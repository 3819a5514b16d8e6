using System.Net;
using Serverless.Functions.Tests.App;

namespace Serverless.Functions.Tests.Flows;

/// <summary>The dial API asks call_permissions first (meta-calling-api.md §3): a refused dial stores and commands nothing.</summary>
public sealed class DialPermissionTests
{
    private const string ProblemBase = "https://errors.serverless-calling.dev/";

    [Fact]
    public async Task Dial_without_permission_is_refused_with_how_to_ask_and_stores_nothing()
    {
        await using var app = await CallingApp.StartAsync(runNode: false);
        app.Graph.PermissionsJson = FakeGraph.Permissions("no_permission");

        using var dial = await app.DialAsync(new { to = "+14155550123" });

        Assert.Equal(HttpStatusCode.Forbidden, dial.StatusCode);
        Assert.Equal("application/problem+json", dial.Content.Headers.ContentType?.MediaType);
        var problem = await CallingApp.ReadJsonAsync(dial);
        Assert.Equal(ProblemBase + "call-permission-missing", problem.GetProperty("type").GetString());
        Assert.Equal("/api/permissions/14155550123/request", problem.GetProperty("requestPath").GetString());
        Assert.Equal(["14155550123"], app.Graph.PermissionLookups);
        Assert.Equal(0, app.Bus.CountReady("commands-new"));
        Assert.Empty(app.Graph.Requests);
        Assert.Equal(0, await CountCallsAsync(app));
    }

    [Fact]
    public async Task Dial_with_permission_is_placed()
    {
        await using var app = await CallingApp.StartAsync(runNode: false);
        app.Graph.PermissionsJson = FakeGraph.Permissions("temporary", expires: app.Time.GetUtcNow().AddDays(6));

        using var dial = await app.DialAsync(new { to = "+14155550123" });

        Assert.Equal(HttpStatusCode.Accepted, dial.StatusCode);
        Assert.Equal(1, app.Bus.CountReady("commands-new"));
        Assert.Equal(1, await CountCallsAsync(app));
    }

    [Fact]
    public async Task Dial_when_Metas_call_limit_is_used_up_answers_429_with_the_reset_time()
    {
        await using var app = await CallingApp.StartAsync(runNode: false);
        var resetsAt = DateTimeOffset.FromUnixTimeSeconds(app.Time.GetUtcNow().AddHours(3).ToUnixTimeSeconds());
        app.Graph.PermissionsJson = FakeGraph.Permissions("permanent", canStartCall: false, callsUsed: 100, callsReset: resetsAt);

        using var dial = await app.DialAsync(new { to = "+14155550123" });

        Assert.Equal(HttpStatusCode.TooManyRequests, dial.StatusCode);
        var problem = await CallingApp.ReadJsonAsync(dial);
        Assert.Equal(ProblemBase + "call-limit-reached", problem.GetProperty("type").GetString());
        Assert.Equal(resetsAt, problem.GetProperty("resetsAt").GetDateTimeOffset());
        Assert.Equal(100, problem.GetProperty("currentUsage").GetInt32());
        Assert.Equal(0, await CountCallsAsync(app));
    }

    [Fact]
    public async Task Permission_reply_webhook_updates_the_state_the_next_dial_sees()
    {
        await using var app = await CallingApp.StartAsync(runNode: false);
        app.Graph.PermissionsJson = FakeGraph.Permissions("no_permission");
        using (var refused = await app.DialAsync(new { to = "+14155550123" }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        // Graph still says no (and is not asked again within the cache TTL): only the reply can allow this dial.
        await app.DeliverAsync(MetaWebhooks.PermissionReply("accept", permanent: true));
        using var allowed = await app.DialAsync(new { to = "+14155550123" });

        Assert.Equal(HttpStatusCode.Accepted, allowed.StatusCode);
        Assert.Single(app.Graph.PermissionLookups);
    }

    [Fact]
    public async Task A_temporary_permission_that_expires_refuses_later_dials_as_expired()
    {
        await using var app = await CallingApp.StartAsync(runNode: false);
        var expires = DateTimeOffset.FromUnixTimeSeconds(app.Time.GetUtcNow().AddHours(1).ToUnixTimeSeconds());
        app.Graph.PermissionsJson = FakeGraph.Permissions("temporary", expires: expires);
        using (var before = await app.DialAsync(new { to = "+14155550123" }))
        {
            Assert.Equal(HttpStatusCode.Accepted, before.StatusCode);
        }

        app.Time.Advance(TimeSpan.FromHours(2));
        using var after = await app.DialAsync(new { to = "+14155550123" });

        Assert.Equal(HttpStatusCode.Forbidden, after.StatusCode);
        var problem = await CallingApp.ReadJsonAsync(after);
        Assert.Equal(ProblemBase + "call-permission-expired", problem.GetProperty("type").GetString());
        Assert.Equal(expires, problem.GetProperty("expiredAt").GetDateTimeOffset());
        Assert.Equal(1, await CountCallsAsync(app));
    }

    [Theory]
    [InlineData("https://169.254.169.254/latest/meta-data/")]
    [InlineData("https://10.0.0.7/hooks")]
    [InlineData("https://[fd00::1]/hooks")]
    public async Task An_SSRF_callbackUrl_is_refused_at_dial_time(string callbackUrl)
    {
        await using var app = await CallingApp.StartAsync(runNode: false);

        using var dial = await app.DialAsync(new { to = "+14155550123", callbackUrl });

        Assert.Equal(HttpStatusCode.BadRequest, dial.StatusCode);
        var problem = await CallingApp.ReadJsonAsync(dial);
        Assert.Equal(ProblemBase + "callback-url-refused", problem.GetProperty("type").GetString());
        Assert.Empty(app.Graph.PermissionLookups);
        Assert.Equal(0, await CountCallsAsync(app));
    }

    [Fact]
    public async Task Two_rejected_calls_in_a_row_stop_the_next_dial_until_a_call_connects()
    {
        await using var app = await CallingApp.StartAsync();
        for (var n = 1; n <= 2; n++)
        {
            using var dial = await app.DialAsync(new { to = "+14155550123" });
            var callId = (await CallingApp.ReadJsonAsync(dial)).GetProperty("id").GetString()!;
            await app.Node.Acked<Serverless.Shared.Media.OfferReady>(callId).WaitAsync(TimeSpan.FromSeconds(30));
            await app.DeliverAsync(MetaWebhooks.Status(FakeGraph.WacidFor(n), "REJECTED"));
            await app.Node.Acked<Serverless.Shared.Media.MediaEnded>(callId).WaitAsync(TimeSpan.FromSeconds(30));
        }

        using var third = await app.DialAsync(new { to = "+14155550123" });

        Assert.Equal(HttpStatusCode.Forbidden, third.StatusCode);
        var problem = await CallingApp.ReadJsonAsync(third);
        Assert.Equal(ProblemBase + "too-many-unanswered-calls", problem.GetProperty("type").GetString());
        Assert.Equal(2, problem.GetProperty("consecutiveUnanswered").GetInt32());
    }

    private static async Task<int> CountCallsAsync(CallingApp app)
    {
        using var list = await app.Client.GetAsync(new Uri("api/calls", UriKind.Relative));
        list.EnsureSuccessStatusCode();
        return (await CallingApp.ReadJsonAsync(list)).GetProperty("calls").GetArrayLength();
    }
}
