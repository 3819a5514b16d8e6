using Serverless.Shared.WhatsApp.Webhooks;

namespace Serverless.Shared.Tests.WhatsApp.Webhooks;

/// <summary>The seed guide's flat <c>event_type</c> shapes (not what Meta sends, accepted anyway).</summary>
public sealed class WebhookParserSeedShapeTests
{
    [Fact]
    public void Seed_call_connect_parses_as_an_answer()
    {
        var connect = ParseAssert.Single<CallConnect>(WebhookPayloads.SeedConnect);

        Assert.Equal("wacid.HBgYMTQwODU1NTEyMzQVAgASGCA4RTNERTg5QjYxNDkxNjJFQ0U3NkNBQTZFNjU5REQcGAw5MTczMDYzNTY1MTQVAgAVFAA", connect.CallId);
        Assert.Equal("14085551234", connect.From);
        Assert.Equal(SdpType.Answer, connect.SdpType);
        Assert.Equal("v=0\r\no=- 123456 2 IN IP4 ...", connect.Sdp);
        Assert.Equal(CallDirection.Unknown, connect.Direction);
        Assert.Equal("WHATSAPP_BUSINESS_ACCOUNT_ID", connect.WabaId);
        Assert.Null(connect.PhoneNumberId);
        Assert.Null(connect.Timestamp);
    }

    [Theory]
    [InlineData("ringing", CallStatusKind.Ringing)]
    [InlineData("accepted", CallStatusKind.Accepted)]
    [InlineData("rejected", CallStatusKind.Rejected)]
    [InlineData("busy", CallStatusKind.Busy)]
    [InlineData("no_answer", CallStatusKind.NoAnswer)]
    [InlineData("NO_ANSWER", CallStatusKind.NoAnswer)]
    [InlineData("on_hold", CallStatusKind.Unknown)]
    public void Seed_call_status_maps_lowercase_statuses(string status, CallStatusKind expected)
    {
        var callStatus = ParseAssert.Single<CallStatus>(WebhookPayloads.SeedStatus(status));

        Assert.Equal("wacid.XXX", callStatus.CallId);
        Assert.Equal(expected, callStatus.Status);
        Assert.Equal(status.ToUpperInvariant(), callStatus.StatusText);
        Assert.Equal("14085551234", callStatus.RecipientId);
    }

    [Fact]
    public void Seed_call_terminate_has_duration_and_reason()
    {
        var terminate = ParseAssert.Single<CallTerminate>(WebhookPayloads.SeedTerminate);

        Assert.Equal("wacid.XXX", terminate.CallId);
        Assert.Equal("14085551234", terminate.From);
        Assert.Equal(TimeSpan.FromSeconds(120), terminate.Duration);
        Assert.Equal("user_hangup", terminate.Reason);
        Assert.Equal(CallTerminateStatus.Unknown, terminate.Status);
    }

    [Fact]
    public void Seed_status_printed_without_an_envelope_is_refused_as_unknown_object()
    {
        // The guide prints only the value; Meta always sends the envelope, so a bare value is not a webhook.
        ParseAssert.Fails(WebhookPayloads.Utf8(WebhookPayloads.SeedStatusBare), WebhookParseErrorKind.UnknownObject);
    }

    [Fact]
    public void Seed_shape_yields_the_same_dedup_key_as_metas_shape()
    {
        var seed = ParseAssert.Single<CallTerminate>(WebhookPayloads.SeedTerminate);
        var meta = ParseAssert.Single<CallTerminate>(WebhookPayloads.Envelope(
            """{ "calls": [{ "id": "wacid.XXX", "event": "terminate", "status": "COMPLETED" }] }"""));

        Assert.Equal(meta.DedupKey, seed.DedupKey);
    }

    [Fact]
    public void Seed_unknown_event_type_is_skipped()
    {
        var batch = ParseAssert.Parses(WebhookPayloads.Envelope("""{ "call_id": "wacid.X", "event_type": "call.hold" }"""));

        Assert.Empty(batch.Events);
        Assert.Equal(SkipReason.UnknownEvent, Assert.Single(batch.Skipped).Reason);
    }

    [Fact]
    public void Seed_event_without_call_id_is_skipped()
    {
        var batch = ParseAssert.Parses(WebhookPayloads.Envelope("""{ "status": "busy", "event_type": "call.status" }"""));

        Assert.Empty(batch.Events);
        var skipped = Assert.Single(batch.Skipped);
        Assert.Equal(SkipReason.MissingField, skipped.Reason);
        Assert.Equal("entry[0].changes[0].value", skipped.Path);
    }
}
