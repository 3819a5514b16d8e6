using Serverless.Shared.WhatsApp.Webhooks;

namespace Serverless.Shared.Tests.WhatsApp.Webhooks;

/// <summary>Meta redelivers until it gets a 2xx: the same event must always map to the same key, distinct events never.</summary>
public sealed class WebhookDedupKeyTests
{
    private static readonly string[] Documented =
    [
        WebhookPayloads.InboundConnect,
        WebhookPayloads.OutboundConnect,
        WebhookPayloads.OutboundConnectLegacy,
        WebhookPayloads.Statuses,
        WebhookPayloads.TerminateFailed,
        WebhookPayloads.TerminateCompleted,
        WebhookPayloads.PermissionReply,
        WebhookPayloads.PermissionReplyAutomatic,
        WebhookPayloads.ErrorOnly,
        WebhookPayloads.SeedConnect,
        WebhookPayloads.SeedStatus("busy"),
        WebhookPayloads.SeedTerminate,
    ];

    public static TheoryData<string> AllPayloads()
    {
        var data = new TheoryData<string>();
        foreach (var payload in Documented)
        {
            data.Add(payload);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllPayloads))]
    public void Redelivery_yields_the_same_keys(string payload)
    {
        var first = ParseAssert.Parses(payload).Events.Select(e => e.DedupKey).ToList();
        var again = ParseAssert.Parses(payload).Events.Select(e => e.DedupKey).ToList();

        Assert.NotEmpty(first);
        Assert.Equal(first, again);
    }

    [Fact]
    public void Documented_key_formats()
    {
        Assert.Equal("calls:wacid.ABGGFjFVU2AfAgo6V-Hc5eCgK5Gh:connect", ParseAssert.Single<CallConnect>(WebhookPayloads.InboundConnect).DedupKey);
        Assert.Equal("calls:wacid.DONE1:terminate", ParseAssert.Single<CallTerminate>(WebhookPayloads.TerminateCompleted).DedupKey);
        Assert.Equal("perm:wamid.REPLY1", ParseAssert.Single<CallPermissionReply>(WebhookPayloads.PermissionReply).DedupKey);
        Assert.Equal(
            ["status:wacid.HBgLMTY1MDM4Nzk0MzkVAgARGCA:RINGING", "status:wacid.HBgLMTY1MDM4Nzk0MzkVAgARGCA:ACCEPTED", "status:wacid.HBgLMTY1MDM4Nzk0MzkVAgARGCA:REJECTED"],
            ParseAssert.Parses(WebhookPayloads.Statuses).Events.Select(e => e.DedupKey));
        Assert.StartsWith("error:106540352242922:131044:", ParseAssert.Single<WebhookError>(WebhookPayloads.ErrorOnly).DedupKey, StringComparison.Ordinal);
    }

    [Fact]
    public void Keys_are_distinct_across_all_documented_events()
    {
        // The seed terminate/status deliberately reuse one call id (wacid.XXX) and are left out here.
        var keys = Documented
            .Where(p => p != WebhookPayloads.SeedTerminate && p != WebhookPayloads.SeedStatus("busy"))
            .SelectMany(p => ParseAssert.Parses(p).Events.Select(e => e.DedupKey))
            .ToList();

        Assert.Equal(keys.Count, keys.Distinct().Count());
    }

    [Fact]
    public void Connect_and_terminate_of_one_call_have_different_keys()
    {
        var batch = ParseAssert.Parses(WebhookPayloads.Envelope("""
            { "calls": [ { "id": "wacid.1", "event": "connect", "session": { "sdp_type": "offer", "sdp": "v=0" } },
                         { "id": "wacid.1", "event": "terminate" } ] }
            """));

        Assert.NotEqual(batch.Events[0].DedupKey, batch.Events[1].DedupKey);
    }

    [Fact]
    public void Status_key_ignores_casing_and_arrival_time_but_not_the_status()
    {
        static string KeyOf(string status, string timestamp) => ParseAssert.Single<CallStatus>(WebhookPayloads.Envelope(
            $$"""{ "statuses": [{ "id": "wacid.1", "type": "call", "status": "{{status}}", "timestamp": "{{timestamp}}" }] }""")).DedupKey;

        Assert.Equal(KeyOf("RINGING", "1"), KeyOf("ringing", "2"));
        Assert.NotEqual(KeyOf("RINGING", "1"), KeyOf("ACCEPTED", "1"));
    }

    [Fact]
    public void Error_keys_differ_when_the_errors_differ()
    {
        static string KeyOf(string error) => ParseAssert.Single<WebhookError>(WebhookPayloads.Envelope(
            $$"""{ "metadata": { "phone_number_id": "pn" }, "errors": [ {{error}} ] }""")).DedupKey;

        Assert.Equal(KeyOf("""{ "code": 131044, "message": "a" }"""), KeyOf("""{ "code": 131044, "message": "a" }"""));
        Assert.NotEqual(KeyOf("""{ "code": 131044, "message": "a" }"""), KeyOf("""{ "code": 131044, "message": "b" }"""));
        Assert.NotEqual(KeyOf("""{ "code": 131044, "message": "a" }"""), KeyOf("""{ "code": 131045, "message": "a" }"""));
    }
}
