using System.Net;
using Serverless.Functions.Tests.App;
using Serverless.Shared.Media;

namespace Serverless.Functions.Tests.Api;

/// <summary>
/// POST /api/calls?wait=true (or Prefer: respond-async) as Logic Apps and Power Automate poll it: 202 + Location +
/// Retry-After until the call is over, then 200 with the final call, for a call far longer than the platforms' 120 s
/// request limit (simulated time).
/// </summary>
public sealed class AsyncWaitTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("api/calls?wait=true", null)]
    [InlineData("api/calls", "respond-async, wait=100")]
    public async Task A_call_of_three_simulated_minutes_is_polled_from_202_to_its_final_200(string path, string? prefer)
    {
        await using var app = await CallingApp.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = System.Net.Http.Json.JsonContent.Create(new { to = "+14155550123" }) };
        if (prefer is not null)
        {
            request.Headers.TryAddWithoutValidation("Prefer", prefer);
        }

        using var placed = await app.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, placed.StatusCode);
        var callId = (await CallingApp.ReadJsonAsync(placed)).GetProperty("id").GetString()!;
        var location = placed.Headers.Location!;
        Assert.True(location.IsAbsoluteUri, location.ToString());
        Assert.Equal($"/api/calls/{callId}/result", location.AbsolutePath);
        Assert.Equal(TimeSpan.FromSeconds(10), placed.Headers.RetryAfter?.Delta);
        Assert.Equal(prefer is null ? null : "respond-async", placed.Headers.TryGetValues("Preference-Applied", out var applied) ? applied.Single() : null);

        await app.Node.Acked<OfferReady>().WaitAsync(Timeout);
        var wacid = FakeGraph.WacidFor(1);
        await app.DeliverAsync(MetaWebhooks.Status(wacid, "RINGING"));
        await app.DeliverAsync(MetaWebhooks.OutboundAnswer(wacid));
        await app.Node.Acked<MediaConnected>().WaitAsync(Timeout);

        // Three simulated minutes into the call: still 202, pointing at itself, with the call as it stands.
        app.Time.Advance(TimeSpan.FromMinutes(3));
        using (var polled = await app.Client.GetAsync(location))
        {
            Assert.Equal(HttpStatusCode.Accepted, polled.StatusCode);
            Assert.Equal(location, polled.Headers.Location);
            Assert.Equal(TimeSpan.FromSeconds(10), polled.Headers.RetryAfter?.Delta);
            Assert.Equal("connected", (await CallingApp.ReadJsonAsync(polled)).GetProperty("state").GetString());
        }

        await app.DeliverAsync(MetaWebhooks.Terminate(wacid, "COMPLETED", outbound: true, duration: 185));
        await app.Node.Acked<MediaEnded>().WaitAsync(Timeout);

        using var final = await app.Client.GetAsync(location);
        Assert.Equal(HttpStatusCode.OK, final.StatusCode);
        Assert.Null(final.Headers.Location);
        Assert.Null(final.Headers.RetryAfter);
        var call = await CallingApp.ReadJsonAsync(final);
        Assert.Equal((callId, "ended", "completed"), (call.GetProperty("id").GetString(), call.GetProperty("state").GetString(), call.GetProperty("outcome").GetString()));
        Assert.Equal(185, call.GetProperty("durationSeconds").GetDouble());
        Assert.True(call.GetProperty("endedAt").GetDateTimeOffset() - call.GetProperty("connectedAt").GetDateTimeOffset() >= TimeSpan.FromMinutes(2), call.ToString());
        Assert.Equal(2100, call.GetProperty("media").GetProperty("packetsSent").GetInt64());
    }

    [Fact]
    public async Task Without_the_opt_in_the_202_points_at_the_call_and_a_bad_wait_is_a_400_that_places_nothing()
    {
        await using var app = await CallingApp.StartAsync(runNode: false);
        using var plain = await app.DialAsync(new { to = "+14155550123" });
        Assert.Equal(HttpStatusCode.Accepted, plain.StatusCode);
        Assert.Equal("/api/calls/" + (await CallingApp.ReadJsonAsync(plain)).GetProperty("id").GetString(), plain.Headers.Location?.OriginalString);
        Assert.Null(plain.Headers.RetryAfter);

        using var bad = await app.Client.PostAsync(new Uri("api/calls?wait=soon", UriKind.Relative), System.Net.Http.Json.JsonContent.Create(new { to = "+14155550123" }));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.EndsWith("/invalid-query", (await CallingApp.ReadJsonAsync(bad)).GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, app.Bus.CountReady("commands-new"));

        using var unknown = await app.Client.GetAsync(new Uri("api/calls/nope/result", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
