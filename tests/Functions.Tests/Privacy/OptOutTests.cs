using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Serverless.Functions.Tests.App;

namespace Serverless.Functions.Tests.Privacy;

/// <summary>
/// "Respect opt-outs immediately": a STOP reply or a permission revoke (signed Meta webhooks over HTTP) cancels every
/// scheduled dial to the user at once, with a visible reason, and refuses new dials with 403 until the user grants
/// permission again.
/// </summary>
public sealed class OptOutTests
{
    private const string User = "+" + CallingApp.User;

    [Fact]
    public async Task A_STOP_reply_cancels_scheduled_dials_and_refuses_new_ones_until_permission_is_granted_again()
    {
        await using var app = await CallingApp.StartAsync();
        var first = await ScheduleAsync(app);
        var second = await ScheduleAsync(app);
        var otherUser = await ScheduleAsync(app, "+14155550199");

        await app.DeliverAsync(MetaWebhooks.Text(" stop! "));

        foreach (var dialId in new[] { first, second })
        {
            var dial = await GetDialAsync(app, dialId);
            Assert.Equal("cancelled", dial.GetProperty("state").GetString());
            Assert.Equal("user-opted-out", dial.GetProperty("reason").GetString());
        }

        Assert.Equal("scheduled", (await GetDialAsync(app, otherUser)).GetProperty("state").GetString());

        using (var call = await app.DialAsync(new { to = User }))
        {
            await AssertOptedOutAsync(call, "keyword");
        }

        using (var scheduled = await PostDialAsync(app, User))
        {
            await AssertOptedOutAsync(scheduled, "keyword");
        }

        Assert.DoesNotContain("connect", app.Graph.Actions);

        // The user grants permission again: dialling works again.
        await app.DeliverAsync(MetaWebhooks.PermissionReply("accept", permanent: true));
        using var again = await app.DialAsync(new { to = User });
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
    }

    [Fact]
    public async Task A_permission_revoke_cancels_scheduled_dials_at_once()
    {
        await using var app = await CallingApp.StartAsync();
        var dialId = await ScheduleAsync(app);

        await app.DeliverAsync(MetaWebhooks.PermissionReply("reject", permanent: false));

        var dial = await GetDialAsync(app, dialId);
        Assert.Equal("cancelled", dial.GetProperty("state").GetString());
        Assert.Equal("user-opted-out", dial.GetProperty("reason").GetString());
        using var call = await app.DialAsync(new { to = User });
        await AssertOptedOutAsync(call, "permission-revoked");
    }

    [Fact]
    public async Task Other_text_and_keywords_of_other_users_change_nothing()
    {
        await using var app = await CallingApp.StartAsync();
        var dialId = await ScheduleAsync(app);

        await app.DeliverAsync(MetaWebhooks.Text("please stop calling so late"));
        await app.DeliverAsync(MetaWebhooks.Text("STOP", from: "14155550199"));

        Assert.Equal("scheduled", (await GetDialAsync(app, dialId)).GetProperty("state").GetString());
        using var call = await app.DialAsync(new { to = User });
        Assert.Equal(HttpStatusCode.Accepted, call.StatusCode);
    }

    [Fact]
    public async Task Configured_keywords_replace_the_defaults()
    {
        await using var app = await CallingApp.StartAsync(s => s["OptOut:Keywords:0"] = "HALT");
        var dialId = await ScheduleAsync(app);

        await app.DeliverAsync(MetaWebhooks.Text("stop"));
        Assert.Equal("scheduled", (await GetDialAsync(app, dialId)).GetProperty("state").GetString());

        await app.DeliverAsync(MetaWebhooks.Text("halt"));
        Assert.Equal("cancelled", (await GetDialAsync(app, dialId)).GetProperty("state").GetString());
    }

    private static async Task AssertOptedOutAsync(HttpResponseMessage response, string source)
    {
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await CallingApp.ReadJsonAsync(response);
        Assert.Equal("https://errors.serverless-calling.dev/user-opted-out", problem.GetProperty("type").GetString());
        Assert.Equal(source, problem.GetProperty("source").GetString());
    }

    private static async Task<string> ScheduleAsync(CallingApp app, string to = User)
    {
        using var response = await PostDialAsync(app, to);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await CallingApp.ReadJsonAsync(response)).GetProperty("id").GetString()!;
    }

    private static Task<HttpResponseMessage> PostDialAsync(CallingApp app, string to) =>
        app.Client.PostAsync(
            new Uri("api/dials", UriKind.Relative),
            JsonContent.Create(new { to, notBefore = app.Time.GetUtcNow().AddHours(1) }));

    private static async Task<JsonElement> GetDialAsync(CallingApp app, string dialId)
    {
        using var response = await app.Client.GetAsync(new Uri("api/dials/" + dialId, UriKind.Relative));
        response.EnsureSuccessStatusCode();
        return await CallingApp.ReadJsonAsync(response);
    }
}
