using System.Text;
using Serverless.Shared.WhatsApp.Webhooks;

namespace Serverless.Shared.Tests.WhatsApp.Webhooks;

/// <summary>Whole-body refusals: each has its own typed kind, and messages never quote the payload.</summary>
public sealed class WebhookParserErrorTests
{
    [Fact]
    public void Empty_body() => ParseAssert.Fails([], WebhookParseErrorKind.Empty);

    [Theory]
    [InlineData("{")]
    [InlineData("not json")]
    [InlineData("   ")]
    [InlineData("{\"object\":\"whatsapp_business_account\",\"entry\":[],}")]
    [InlineData("{\"object\":\"whatsapp_business_account\",\"entry\":[]} {}")]
    [InlineData("// comment\n{}")]
    [InlineData("{'object':'x'}")]
    public void Malformed_json_is_NotJson(string body) => ParseAssert.Fails(Encoding.UTF8.GetBytes(body), WebhookParseErrorKind.NotJson);

    [Fact]
    public void Invalid_utf8_is_NotUtf8() =>
        ParseAssert.Fails([(byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}'], WebhookParseErrorKind.NotUtf8);

    [Theory]
    [InlineData("{\"object\":\"whatsapp_business_account\",\"entry\":[],\"x\":\"\\uD800\"}")]
    [InlineData("{\"object\":\"whatsapp_business_account\",\"entry\":[],\"\\udc00\":1}")]
    [InlineData("{\"object\":\"whatsapp_business_account\",\"entry\":[],\"x\":\"\\uD83D\\u0041\"}")]
    public void Rfc8259_Section8_2_unpaired_surrogate_escapes_are_NotJson(string body) =>
        ParseAssert.Fails(Encoding.UTF8.GetBytes(body), WebhookParseErrorKind.NotJson);

    [Fact]
    public void Rfc8259_Section7_escaped_names_and_surrogate_pairs_read_normally()
    {
        var connect = ParseAssert.Single<CallConnect>("""
            { "object": "whatsapp_business_account", "entry": [{ "id": "w", "changes": [{ "field": "calls", "value": {
                "contacts": [{ "profile": { "na\u006de": "Ana \uD83D\uDE00" }, "wa_id": "16315553602" }],
                "ca\u006cls": [{ "id": "wacid.1", "event": "connect", "from": "16315553602", "direction": "USER_INITIATED",
                  "session": { "sdp_type": "offer", "sdp": "v=0\r\n" } }] } }] }] }
            """);

        Assert.Equal("Ana \U0001F600", connect.CallerName);
        Assert.Equal("v=0\r\n", connect.Sdp);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"whatsapp_business_account\"")]
    [InlineData("42")]
    [InlineData("null")]
    public void Non_object_root_is_NotAnObject(string body) => ParseAssert.Fails(Encoding.UTF8.GetBytes(body), WebhookParseErrorKind.NotAnObject);

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"object\":\"page\",\"entry\":[]}")]
    [InlineData("{\"object\":\"WHATSAPP_BUSINESS_ACCOUNT\",\"entry\":[]}")]
    [InlineData("{\"object\":7,\"entry\":[]}")]
    public void Other_object_is_UnknownObject(string body) => ParseAssert.Fails(Encoding.UTF8.GetBytes(body), WebhookParseErrorKind.UnknownObject);

    [Theory]
    [InlineData("{\"object\":\"whatsapp_business_account\"}")]
    [InlineData("{\"object\":\"whatsapp_business_account\",\"entry\":{}}")]
    public void Missing_entry_array_is_InvalidEnvelope(string body) =>
        ParseAssert.Fails(Encoding.UTF8.GetBytes(body), WebhookParseErrorKind.InvalidEnvelope);

    [Fact]
    public void Empty_entry_array_is_an_empty_batch()
    {
        var batch = ParseAssert.Parses("""{"object":"whatsapp_business_account","entry":[]}""");

        Assert.Equal(WebhookParser.WhatsAppBusinessAccount, batch.ObjectType);
        Assert.Empty(batch.Events);
        Assert.Empty(batch.Skipped);
        Assert.Empty(batch.Ignored);
    }

    [Fact]
    public void Nesting_at_the_cap_parses_and_one_deeper_is_TooDeep()
    {
        var limits = new WebhookParserLimits { MaxDepth = 8 };

        // Root object plus "x" arrays: root is level 1, each '[' adds one.
        static byte[] Nested(int levels) => Encoding.UTF8.GetBytes(
            "{\"object\":\"whatsapp_business_account\",\"entry\":[],\"x\":" + new string('[', levels - 1) + new string(']', levels - 1) + "}");

        Assert.True(WebhookParser.TryParse(Nested(8), limits, out _, out var error), error?.ToString());
        ParseAssert.Fails(Nested(9), WebhookParseErrorKind.TooDeep, limits);
    }

    [Fact]
    public void Default_depth_cap_refuses_a_deeply_nested_bomb()
    {
        var body = Encoding.UTF8.GetBytes(new string('[', 100_000) + new string(']', 100_000));

        ParseAssert.Fails(body, WebhookParseErrorKind.TooDeep);
    }

    [Fact]
    public void Body_over_the_size_cap_is_TooLarge()
    {
        var limits = new WebhookParserLimits { MaxBodyBytes = 64 };
        var body = Encoding.UTF8.GetBytes("""{"object":"whatsapp_business_account","entry":[],"pad":"0123456789012345"}""");

        ParseAssert.Fails(body, WebhookParseErrorKind.TooLarge, limits);
        Assert.True(WebhookParser.TryParse(body, new WebhookParserLimits { MaxBodyBytes = body.Length }, out _, out _));
    }

    [Fact]
    public void More_items_than_the_cap_is_TooManyItems()
    {
        var limits = new WebhookParserLimits { MaxItems = 3 };
        static string Statuses(int n) => WebhookPayloads.Envelope(
            "{ \"statuses\": [" + string.Join(",", Enumerable.Range(0, n).Select(i => $$"""{ "id": "wacid.{{i}}", "type": "call", "status": "RINGING" }""")) + "] }");

        Assert.True(WebhookParser.TryParse(WebhookPayloads.Utf8(Statuses(3)), limits, out var batch, out _));
        Assert.Equal(3, batch.Events.Count);
        ParseAssert.Fails(WebhookPayloads.Utf8(Statuses(4)), WebhookParseErrorKind.TooManyItems, limits);
    }

    [Fact]
    public void Exactly_the_cap_followed_by_an_empty_change_still_parses()
    {
        var limits = new WebhookParserLimits { MaxItems = 1 };
        var body = WebhookPayloads.Utf8("""
            { "object": "whatsapp_business_account", "entry": [{ "id": "w", "changes": [
                { "field": "calls", "value": { "statuses": [{ "id": "wacid.1", "type": "call", "status": "RINGING" }] } },
                { "field": "calls", "value": { "calls": [] } } ] }, { "id": "w2", "changes": [] }] }
            """);

        Assert.True(WebhookParser.TryParse(body, limits, out var batch, out var error), error?.ToString());
        Assert.Single(batch.Events);
    }

    [Fact]
    public void Error_messages_do_not_quote_the_payload()
    {
        var error = ParseAssert.Fails(Encoding.UTF8.GetBytes("{\"from\":\"16315553602\" oops"), WebhookParseErrorKind.NotJson);

        Assert.DoesNotContain("16315553602", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Non_positive_limits_are_refused(int value)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new WebhookParserLimits { MaxDepth = value });
        Assert.Throws<ArgumentOutOfRangeException>(() => new WebhookParserLimits { MaxBodyBytes = value });
        Assert.Throws<ArgumentOutOfRangeException>(() => new WebhookParserLimits { MaxItems = value });
    }
}
