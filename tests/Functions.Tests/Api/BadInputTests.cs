using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Serverless.Functions.Tests.App;
using Serverless.Shared.Media;
using Serverless.Shared.Security;

namespace Serverless.Functions.Tests.Api;

/// <summary>Bad requests get a clear 4xx with a stable problem type, and leave nothing behind.</summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private CallingApp _app = null!;

    public async Task InitializeAsync() => _app = await CallingApp.StartAsync();

    public async Task DisposeAsync()
    {
        // Nothing stored, nothing sent to Meta or to a MediaNode, whatever the test sent.
        using var list = await _app.Client.GetAsync(new Uri("api/calls", UriKind.Relative));
        Assert.Empty((await CallingApp.ReadJsonAsync(list)).GetProperty("calls").EnumerateArray());
        Assert.Empty(_app.Graph.Requests);
        Assert.Equal(0, _app.Bus.CountReady("commands-new"));
        Assert.Empty(_app.Node.Commands);
        await _app.DisposeAsync();
    }

    [Theory]
    [InlineData("{\"to\": ")]
    [InlineData("not json")]
    [InlineData("[1, 2]")]
    [InlineData("")]
    public async Task Malformed_dial_json_is_400_invalid_json(string body)
    {
        using var response = await PostRawAsync("api/calls", body);
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid-json");
    }

    [Theory]
    [InlineData("{\"to\": 14155550123}")]
    [InlineData("{}")]
    [InlineData("{\"to\": \"+14155550123\", \"metadata\": {\"a\": 1}}")]
    [InlineData("{\"to\": \"+14155550123\", \"callbackUrl\": \"http://insecure.example/cb\"}")]
    public async Task Dial_bodies_of_the_wrong_shape_are_400_validation_failed(string body)
    {
        using var response = await PostRawAsync("api/calls", body);
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "validation-failed");
    }

    [Theory]
    [InlineData("14155550123")]
    [InlineData("+1415555")]
    [InlineData("+999123456789")]
    [InlineData("+1 415 555 0123")]
    [InlineData("+1415555012a")]
    [InlineData("+00000000000")]
    public async Task Invalid_phone_numbers_are_400_invalid_phone_number(string to)
    {
        using var response = await _app.DialAsync(new { to });
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid-phone-number");
    }

    [Fact]
    public async Task A_from_number_we_do_not_serve_is_400_unknown_phone_number_id()
    {
        using var response = await _app.DialAsync(new { to = "+14155550123", from = CallingApp.NotOurPhoneNumberId });
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "unknown-phone-number-id");
    }

    [Fact]
    public async Task Oversized_dial_body_is_413_payload_too_large()
    {
        using var response = await PostRawAsync("api/calls", "{\"to\": \"+14155550123\", \"metadata\": {\"x\": \"" + new string('a', 5000) + "\"}}");
        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
    }

    [Fact]
    public async Task Oversized_dial_body_without_a_content_length_is_413_payload_too_large()
    {
        // Chunked: no declared length, so the reader must stop at the limit by counting what arrives.
        var body = Encoding.UTF8.GetBytes("{\"to\": \"+14155550123\", \"metadata\": {\"x\": \"" + new string('a', 5000) + "\"}}");
        using var content = new StreamContent(new MemoryStream(body));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/calls") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await _app.Client.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
    }

    [Theory]
    [InlineData("api/calls", "{\"to\": \"+1415555\\ud800123\"}")]
    [InlineData("api/calls", "{\"to\": \"+14155550123\", \"metadata\": {\"k\": \"\\udc00\"}}")]
    [InlineData("api/calls", "{\"to\": \"+14155550123\", \"metadata\": {\"\\ud800\": \"v\"}}")]
    [InlineData("api/calls", "{\"to\": \"+14155550123\", \"from\": \"\\ud800\"}")]
    [InlineData("api/dials", "{\"to\": \"+1415555\\ud800123\"}")]
    [InlineData("api/dials", "{\"to\": \"+14155550123\", \"notBefore\": \"\\ud800\"}")]
    public async Task Lone_surrogate_strings_are_400_validation_failed(string route, string body)
    {
        using var response = await PostRawAsync(route, body);
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "validation-failed");
    }

    [Theory]
    [InlineData("***not base64***")]
    [InlineData("_w")]          // base64url of 0xFF: not UTF-8
    [InlineData("bm9zcGFjZQ")]  // "nospace"
    [InlineData("YSBiIGM")]     // "a b c"
    [InlineData("IGI")]         // " b"
    public async Task Malformed_continuation_tokens_are_400_invalid_query(string token)
    {
        using var response = await _app.Client.GetAsync(new Uri("api/calls?continuationToken=" + Uri.EscapeDataString(token), UriKind.Relative));
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid-query");
    }

    [Theory]
    [InlineData("call_01ARZ3NDEKTSV4RRFFQ69G5FAV")]
    [InlineData("not-a-call-id")]
    public async Task Unknown_call_ids_are_404_call_not_found_for_get_and_delete(string id)
    {
        using var get = await _app.Client.GetAsync(new Uri("api/calls/" + id, UriKind.Relative));
        await AssertProblemAsync(get, HttpStatusCode.NotFound, "call-not-found");
        using var delete = await _app.Client.DeleteAsync(new Uri("api/calls/" + id, UriKind.Relative));
        await AssertProblemAsync(delete, HttpStatusCode.NotFound, "call-not-found");
    }

    [Theory]
    [InlineData("state=Bogus")]
    [InlineData("state=3")]
    [InlineData("since=yesterday")]
    [InlineData("pageSize=0")]
    public async Task Bad_list_queries_are_400_invalid_query(string query)
    {
        using var response = await _app.Client.GetAsync(new Uri("api/calls?" + query, UriKind.Relative));
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid-query");
    }

    [Fact]
    public async Task Dial_api_without_a_function_key_is_401()
    {
        using var response = await _app.Anonymous.PostAsync(new Uri("api/calls", UriKind.Relative), new StringContent("{\"to\":\"+14155550123\"}"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("sha256=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("sha1=abc")]
    public async Task Webhook_with_a_missing_or_wrong_signature_is_401(string? signature)
    {
        using var response = await _app.PostWebhookAsync(MetaWebhooks.InboundConnect("wacid.UNSIGNED"), signature);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Webhook_signed_with_another_secret_is_401()
    {
        var body = Encoding.UTF8.GetBytes(MetaWebhooks.InboundConnect("wacid.OTHERKEY"));
        var signature = new HmacSha256Signature("someone-elses-secret").Sign(body);
        using var response = await _app.PostWebhookAsync(Encoding.UTF8.GetString(body), signature);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("{\"object\": ")]
    [InlineData("{\"value\": {}}")]
    public async Task Signed_webhook_that_is_not_a_webhook_is_400(string body)
    {
        using var response = await _app.PostWebhookAsync(body);
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid-json");
    }

    [Fact]
    public async Task Oversized_webhook_is_413_and_not_processed()
    {
        var body = MetaWebhooks.InboundConnect("wacid.BIG").Replace("Test User", new string('x', 70_000), StringComparison.Ordinal);
        using var response = await _app.PostWebhookAsync(body);
        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
    }

    [Fact]
    public async Task Unsigned_or_tampered_media_events_are_401()
    {
        var body = MediaMessageSerializer.Serialize(new OfferReady
        {
            CallId = "call_01ARZ3NDEKTSV4RRFFQ69G5FAV", NodeId = "node-1", CreatedAt = DateTimeOffset.UtcNow, Sdp = "v=0",
        });
        using (var unsigned = await PostMediaAsync(body, null, null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        }

        var headers = new MediaEventSigner(new HmacSha256Signature(CallingApp.MediaSecret), _app.Time).Sign(body);
        var tampered = (byte[])body.Clone();
        tampered[^2] ^= 1;
        using var response = await PostMediaAsync(tampered, headers.Signature, headers.Timestamp);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Signed_media_event_for_an_unknown_call_is_404()
    {
        using var response = await _app.Node.SendAsync(new MediaConnected
        {
            CallId = "call_01ARZ3NDEKTSV4RRFFQ69G5FAV", NodeId = "node-1", CreatedAt = _app.Time.GetUtcNow(),
        });
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private async Task<HttpResponseMessage> PostRawAsync(string route, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        return await _app.Client.PostAsync(new Uri(route, UriKind.Relative), content);
    }

    private async Task<HttpResponseMessage> PostMediaAsync(byte[] body, string? signature, string? timestamp)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/media/events") { Content = content };
        if (signature is not null)
        {
            request.Headers.Add(MediaEventSigner.SignatureHeaderName, signature);
            request.Headers.Add(MediaEventSigner.TimestampHeaderName, timestamp);
        }

        request.Headers.Add(MediaEventSigner.NodeHeaderName, "node-1");

        return await _app.Anonymous.SendAsync(request);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string type)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await CallingApp.ReadJsonAsync(response);
        Assert.Equal("https://errors.serverless-calling.dev/" + type, problem.GetProperty("type").GetString());
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
    }
}
