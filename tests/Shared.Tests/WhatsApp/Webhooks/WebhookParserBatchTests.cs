using Serverless.Shared.WhatsApp.Webhooks;

namespace Serverless.Shared.Tests.WhatsApp.Webhooks;

/// <summary>Batching, per-item problems, ignored fields, case variants and tolerance of unknown fields.</summary>
public sealed class WebhookParserBatchTests
{
    private const string ManyEntries = """
        { "object": "whatsapp_business_account",
          "entry": [
            { "id": "waba-1", "changes": [
              { "field": "calls", "value": { "metadata": { "phone_number_id": "pn-1" },
                "calls": [
                  { "id": "wacid.A", "event": "connect", "direction": "USER_INITIATED", "session": { "sdp_type": "offer", "sdp": "v=0 A" } },
                  { "id": "wacid.B", "event": "terminate", "status": "failed" } ] } },
              { "field": "account_settings_update", "value": { "calling": { "status": "ENABLED" } } },
              { "field": "calls", "value": { "metadata": { "phone_number_id": "pn-1" },
                "statuses": [ { "id": "wacid.C", "type": "call", "status": "ringing" } ] } } ] },
            { "id": "waba-2", "changes": [
              { "field": "messages", "value": { "metadata": { "phone_number_id": "pn-2" },
                "messages": [
                  { "id": "wamid.TEXT", "type": "text", "text": { "body": "hello" } },
                  { "id": "wamid.P", "from": "447700900789", "interactive": { "type": "call_permission_reply",
                    "call_permission_reply": { "response": "REJECT" } } } ],
                "statuses": [ { "id": "wamid.OUT", "status": "delivered", "recipient_id": "447700900789" } ] } } ] } ] }
        """;

    [Fact]
    public void Many_entries_and_changes_are_all_returned_in_document_order()
    {
        var batch = ParseAssert.Parses(ManyEntries);

        Assert.Equal(
            ["calls:wacid.A:connect", "calls:wacid.B:terminate", "status:wacid.C:RINGING", "msg:wamid.TEXT", "perm:wamid.P"],
            batch.Events.Select(e => e.DedupKey));
        Assert.Equal(["waba-1", "waba-1", "waba-1", "waba-2", "waba-2"], batch.Events.Select(e => e.WabaId));
        Assert.Equal(["pn-1", "pn-1", "pn-1", "pn-2", "pn-2"], batch.Events.Select(e => e.PhoneNumberId));
        Assert.Equal("hello", batch.Events.OfType<TextMessage>().Single().Body);
        Assert.Equal(CallTerminateStatus.Failed, batch.Events.OfType<CallTerminate>().Single().Status);
        Assert.Equal(PermissionResponse.Reject, batch.Events.OfType<CallPermissionReply>().Single().Response);
        Assert.Empty(batch.Skipped);
    }

    [Fact]
    public void Other_fields_and_delivery_receipts_are_ignored_but_reported()
    {
        var batch = ParseAssert.Parses(ManyEntries);

        Assert.Equal(
            [
                new IgnoredItem("entry[0].changes[1]", IgnoreReason.UnhandledField, "account_settings_update"),
                new IgnoredItem("entry[1].changes[0].value.statuses[0]", IgnoreReason.NotACallStatus, "statuses[] item type is not call"),
            ],
            batch.Ignored);
    }

    [Fact]
    public void Malformed_call_items_are_skipped_without_failing_the_batch()
    {
        var batch = ParseAssert.Parses(WebhookPayloads.Envelope("""
            { "calls": [
                { "event": "connect", "session": { "sdp_type": "offer", "sdp": "v=0" } },
                "not-an-object",
                { "id": "wacid.NOSDP", "event": "connect", "direction": "USER_INITIATED" },
                { "id": "wacid.BADTYPE", "event": "connect", "session": { "sdp_type": "pranswer", "sdp": "v=0" } },
                { "id": "wacid.HOLD", "event": "hold" },
                { "id": "wacid.NOEVENT" },
                { "id": 42, "event": "terminate" },
                { "id": "wacid.BADLEGACY", "event": "connect", "connection": { "webrtc": { "sdp": "{not json" } } },
                { "id": "wacid.OK", "event": "terminate", "status": "COMPLETED" } ] }
            """));

        Assert.Equal("calls:wacid.OK:terminate", Assert.Single(batch.Events).DedupKey);
        Assert.Equal(
            [
                ("entry[0].changes[0].value.calls[0]", SkipReason.MissingField),
                ("entry[0].changes[0].value.calls[1]", SkipReason.NotAnObject),
                ("entry[0].changes[0].value.calls[2]", SkipReason.InvalidField),
                ("entry[0].changes[0].value.calls[3]", SkipReason.InvalidField),
                ("entry[0].changes[0].value.calls[4]", SkipReason.UnknownEvent),
                ("entry[0].changes[0].value.calls[5]", SkipReason.MissingField),
                ("entry[0].changes[0].value.calls[6]", SkipReason.MissingField),
                ("entry[0].changes[0].value.calls[7]", SkipReason.InvalidField),
            ],
            batch.Skipped.Select(s => (s.Path, s.Reason)));
    }

    [Fact]
    public void Malformed_entries_changes_statuses_and_replies_are_skipped()
    {
        var batch = ParseAssert.Parses("""
            { "object": "whatsapp_business_account", "entry": [
                7,
                { "id": "w" },
                { "id": "w", "changes": [ [], { "value": {} }, { "field": "calls" }, { "field": "calls", "value": [] },
                  { "field": "calls", "value": { "statuses": [ { "type": "call", "status": "RINGING" }, { "type": "call", "id": "wacid.S" } ] } },
                  { "field": "messages", "value": { "messages": [
                    { "interactive": { "type": "call_permission_reply", "call_permission_reply": { "response": "accept" } } },
                    { "id": "wamid.1", "interactive": { "type": "call_permission_reply" } },
                    { "id": "wamid.2", "interactive": { "type": "call_permission_reply", "call_permission_reply": { "response": "maybe" } } } ] } } ] } ] }
            """);

        Assert.Empty(batch.Events);
        Assert.Equal(
            [
                ("entry[0]", SkipReason.NotAnObject),
                ("entry[1]", SkipReason.MissingField),
                ("entry[2].changes[0]", SkipReason.NotAnObject),
                ("entry[2].changes[1]", SkipReason.MissingField),
                ("entry[2].changes[2]", SkipReason.MissingField),
                ("entry[2].changes[3]", SkipReason.MissingField),
                ("entry[2].changes[4].value.statuses[0]", SkipReason.MissingField),
                ("entry[2].changes[4].value.statuses[1]", SkipReason.MissingField),
                ("entry[2].changes[5].value.messages[0]", SkipReason.MissingField),
                ("entry[2].changes[5].value.messages[1]", SkipReason.MissingField),
                ("entry[2].changes[5].value.messages[2]", SkipReason.InvalidField),
            ],
            batch.Skipped.Select(s => (s.Path, s.Reason)));
    }

    [Fact]
    public void Change_with_nothing_to_read_is_reported_as_ignored()
    {
        var batch = ParseAssert.Parses(WebhookPayloads.Envelope("""{ "messaging_product": "whatsapp" }"""));

        Assert.Empty(batch.Events);
        Assert.Equal(IgnoreReason.NothingToRead, Assert.Single(batch.Ignored).Reason);
    }

    [Theory]
    [InlineData("COMPLETED", CallTerminateStatus.Completed)]
    [InlineData("Completed", CallTerminateStatus.Completed)]
    [InlineData("completed", CallTerminateStatus.Completed)]
    [InlineData("FAILED", CallTerminateStatus.Failed)]
    [InlineData("Failed", CallTerminateStatus.Failed)]
    [InlineData("failed", CallTerminateStatus.Failed)]
    [InlineData("REJECTED", CallTerminateStatus.Rejected)]
    [InlineData("TIMEOUT", CallTerminateStatus.Unknown)]
    public void Terminate_status_is_read_case_insensitively(string status, CallTerminateStatus expected)
    {
        var terminate = ParseAssert.Single<CallTerminate>(WebhookPayloads.Envelope(
            $$"""{ "calls": [{ "id": "wacid.1", "event": "Terminate", "status": "{{status}}", "direction": "user_initiated" }] }"""));

        Assert.Equal(expected, terminate.Status);
        Assert.Equal(CallDirection.UserInitiated, terminate.Direction);
    }

    [Theory]
    [InlineData("RINGING", CallStatusKind.Ringing)]
    [InlineData("Accepted", CallStatusKind.Accepted)]
    [InlineData("rejected", CallStatusKind.Rejected)]
    [InlineData("BUSY", CallStatusKind.Busy)]
    [InlineData("no_answer", CallStatusKind.NoAnswer)]
    [InlineData("DIALING", CallStatusKind.Unknown)]
    public void Call_status_is_read_case_insensitively(string status, CallStatusKind expected)
    {
        var callStatus = ParseAssert.Single<CallStatus>(WebhookPayloads.Envelope(
            $$"""{ "statuses": [{ "id": "wacid.1", "type": "CALL", "status": "{{status}}" }] }"""));

        Assert.Equal(expected, callStatus.Status);
    }

    [Fact]
    public void Unknown_fields_are_tolerated_everywhere()
    {
        var connect = ParseAssert.Single<CallConnect>("""
            { "object": "whatsapp_business_account", "future_envelope_flag": [1, 2, {"x": null}],
              "entry": [{ "id": "waba", "time": 1745000000, "extra": {},
                "changes": [{ "field": "calls", "unexpected": true,
                  "value": { "messaging_product": "whatsapp", "recording": { "status": "ENABLED" },
                    "metadata": { "display_phone_number": "16315553601", "phone_number_id": "pn", "region": "eu" },
                    "contacts": [{ "profile": { "name": "Ana", "username": "@ana" }, "wa_id": "16315553602", "user_id": "US.1" }, 5],
                    "calls": [{ "id": "wacid.U", "event": "connect", "direction": "USER_INITIATED",
                      "from": "16315553602", "from_user_id": "US.1", "to_user_id": "US.2", "parent_user_id": "US.0",
                      "timestamp": 1671644824,
                      "session": { "sdp_type": "offer", "sdp": "v=0", "ice": "lite" } }] } }] }] }
            """);

        Assert.Equal("wacid.U", connect.CallId);
        Assert.Equal("Ana", connect.CallerName);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1671644824), connect.Timestamp);
    }

    [Fact]
    public void Duration_and_times_accept_numbers_and_strings()
    {
        var terminate = ParseAssert.Single<CallTerminate>(WebhookPayloads.Envelope("""
            { "calls": [{ "id": "wacid.1", "event": "terminate", "status": "COMPLETED",
                          "start_time": 1671644824, "end_time": "1671644944", "duration": "120", "timestamp": 1671644944 }] }
            """));

        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1671644824), terminate.StartTime);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1671644944), terminate.EndTime);
        Assert.Equal(TimeSpan.FromSeconds(120), terminate.Duration);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1671644944), terminate.Timestamp);
    }

    [Theory]
    [InlineData("\"soon\"")]
    [InlineData("-5")]
    [InlineData("1.5")]
    [InlineData("99999999999999999999")]
    [InlineData("null")]
    public void Unreadable_duration_reads_as_absent(string duration)
    {
        var terminate = ParseAssert.Single<CallTerminate>(WebhookPayloads.Envelope(
            $$"""{ "calls": [{ "id": "wacid.1", "event": "terminate", "duration": {{duration}}, "timestamp": "99999999999999" }] }"""));

        Assert.Null(terminate.Duration);
        Assert.Null(terminate.Timestamp);
    }

    [Theory]
    [InlineData("USER_INITIATED", SdpType.Offer)]
    [InlineData("BUSINESS_INITIATED", SdpType.Answer)]
    public void Missing_sdp_type_is_inferred_from_direction(string direction, SdpType expected)
    {
        var connect = ParseAssert.Single<CallConnect>(WebhookPayloads.Envelope(
            $$"""{ "calls": [{ "id": "wacid.1", "event": "connect", "direction": "{{direction}}", "session": { "sdp": "v=0" } }] }"""));

        Assert.Equal(expected, connect.SdpType);
    }

    [Fact]
    public void Errors_inside_a_call_item_are_merged_with_value_errors()
    {
        var terminate = ParseAssert.Single<CallTerminate>(WebhookPayloads.Envelope("""
            { "calls": [{ "id": "wacid.1", "event": "terminate", "status": "FAILED", "errors": [{ "code": "138019", "message": "inner" }] }],
              "errors": [{ "code": 138004, "message": "outer" }] }
            """));

        Assert.Equal([138004, 138019], terminate.Errors.Select(e => e.Code));
    }

    [Fact]
    public void Errors_next_to_a_connect_only_are_reported_as_error_events()
    {
        var batch = ParseAssert.Parses(WebhookPayloads.Envelope("""
            { "calls": [{ "id": "wacid.1", "event": "connect", "session": { "sdp_type": "offer", "sdp": "v=0" } }],
              "errors": [{ "code": 138007, "message": "Connect timeout" }, { "unrelated": 1 }, 3] }
            """));

        Assert.IsType<CallConnect>(batch.Events[0]);
        Assert.Equal(138007, Assert.IsType<WebhookError>(batch.Events[1]).Error.Code);
        Assert.Equal(2, batch.Events.Count);
        Assert.Equal([SkipReason.MissingField, SkipReason.NotAnObject], batch.Skipped.Select(s => s.Reason));
    }
}
