using System.Net;
using Serverless.Functions.Tests.App;
using Serverless.Functions.Tests.Calls;
using Serverless.Functions.Tests.Flows;
using Serverless.Shared.Media;

namespace Serverless.Functions.Tests.Api;

public sealed class CallsApiTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_same_Idempotency_Key_never_places_a_second_call()
    {
        await using var app = await CallingApp.StartAsync(runNode: false);

        using var first = await app.DialAsync(new { to = "+14155550123" }, "order-42");
        using var second = await app.DialAsync(new { to = "+14155550123" }, "order-42");
        using var other = await app.DialAsync(new { to = "+14155550123" }, "order-43");

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        var id = (await CallingApp.ReadJsonAsync(first)).GetProperty("id").GetString();
        Assert.Equal(id, (await CallingApp.ReadJsonAsync(second)).GetProperty("id").GetString());
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.NotEqual(id, (await CallingApp.ReadJsonAsync(other)).GetProperty("id").GetString());
        Assert.Equal(2, app.Bus.CountReady("commands-new"));
    }

    [Fact]
    public async Task The_same_Idempotency_Key_with_a_different_body_is_a_422_problem_and_places_nothing()
    {
        await using var app = await CallingApp.StartAsync(runNode: false);

        using var first = await app.DialAsync(new { to = "+14155550123", metadata = new { order = "42", region = "eu" } }, "order-42");
        using var other = await app.DialAsync(new { to = "+14155550999", metadata = new { order = "42", region = "eu" } }, "order-42");
        // The same request with its members in another order and other spacing is a retry, not a new request.
        using var retry = await app.Client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "api/calls")
        {
            Headers = { { "Idempotency-Key", "order-42" } },
            Content = new StringContent("""{ "metadata": {"region":"eu", "order":"42"},  "to": "+14155550123" }""", System.Text.Encoding.UTF8, "application/json"),
        });

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal((HttpStatusCode)422, other.StatusCode);
        Assert.Equal("application/problem+json", other.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith("/idempotency-key-reused", (await CallingApp.ReadJsonAsync(other)).GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        Assert.Equal(
            (await CallingApp.ReadJsonAsync(first)).GetProperty("id").GetString(),
            (await CallingApp.ReadJsonAsync(retry)).GetProperty("id").GetString());
        Assert.Equal(1, app.Bus.CountReady("commands-new"));
    }

    [Fact]
    public async Task A_key_reserved_by_a_request_that_failed_before_storing_its_call_still_yields_that_call()
    {
        await using var app = await CallingApp.StartAsync(runNode: false);
        var store = await AzuriteTables.StoreAsync(app.TablePrefix, app.Time);
        const string orphanId = "call_01ARZ3NDEKTSV4RRFFQ69G5FAV";
        Assert.True((await store.TryReserveIdempotencyKeyAsync("crashed-1", orphanId)).Reserved);

        using var first = await app.DialAsync(new { to = "+14155550123" }, "crashed-1");
        using var second = await app.DialAsync(new { to = "+14155550123" }, "crashed-1");

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(orphanId, (await CallingApp.ReadJsonAsync(first)).GetProperty("id").GetString());
        Assert.Equal(orphanId, (await CallingApp.ReadJsonAsync(second)).GetProperty("id").GetString());
        Assert.Equal(1, app.Bus.CountReady("commands-new"));
    }

    [Fact]
    public async Task Dial_from_a_named_business_number_uses_it_for_the_connect()
    {
        await using var app = await CallingApp.StartAsync();

        using var dial = await app.DialAsync(new { to = "+447911123456", from = CallingApp.OtherPhoneNumberId, bizOpaqueCallbackData = "tag-1" });
        Assert.Equal(HttpStatusCode.Accepted, dial.StatusCode);
        await app.Node.Acked<OfferReady>().WaitAsync(Timeout);

        var connect = Assert.Single(app.Graph.Requests);
        Assert.Equal((CallingApp.OtherPhoneNumberId, "447911123456"), (connect.PhoneNumberId, connect.To));
        Assert.Contains("\"biz_opaque_callback_data\":\"tag-1\"", connect.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listing_filters_by_state_and_pages_newest_first_with_a_continuation_token()
    {
        await using var app = await CallingApp.StartAsync(runNode: false);
        var dialled = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            dialled.Add(await CallEndingTests.DialAsync(app));
            app.Time.Advance(TimeSpan.FromMilliseconds(1));
        }

        var seen = new List<string>();
        string? token = null;
        do
        {
            var query = "api/calls?state=Preparing&pageSize=2" + (token is null ? string.Empty : "&continuationToken=" + Uri.EscapeDataString(token));
            using var response = await app.Client.GetAsync(new Uri(query, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await CallingApp.ReadJsonAsync(response);
            var calls = page.GetProperty("calls").EnumerateArray().ToList();
            Assert.True(calls.Count <= 2);
            seen.AddRange(calls.Select(c => c.GetProperty("id").GetString()!));
            token = page.TryGetProperty("continuationToken", out var t) && t.ValueKind == System.Text.Json.JsonValueKind.String ? t.GetString() : null;
        }
        while (token is not null);

        Assert.Equal(Enumerable.Reverse(dialled), seen);
        using var ended = await app.Client.GetAsync(new Uri("api/calls?state=Ended", UriKind.Relative));
        Assert.Empty((await CallingApp.ReadJsonAsync(ended)).GetProperty("calls").EnumerateArray());
    }

    [Fact]
    public async Task Accept_after_the_outbound_answer_is_posted_only_when_switched_on()
    {
        await using var app = await CallingApp.StartAsync(s => s["Calls:AcceptAfterOutboundAnswer"] = "true");
        await CallEndingTests.DialAsync(app);
        await app.Node.Acked<OfferReady>().WaitAsync(Timeout);
        var wacid = FakeGraph.WacidFor(1);

        await app.DeliverAsync(MetaWebhooks.OutboundAnswer(wacid));
        await app.Node.Acked<MediaConnected>().WaitAsync(Timeout);
        await app.DeliverAsync(MetaWebhooks.OutboundAnswer(wacid));

        Assert.Equal(["connect", "accept"], app.Graph.Actions);
        Assert.Equal((wacid, MetaWebhooks.UserSdp), (app.Graph.Requests[1].CallId, app.Graph.Requests[1].Sdp));
    }
}
