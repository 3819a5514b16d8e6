using System.Text;

namespace Serverless.Shared.Tests.WhatsApp.Webhooks;

/// <summary>
/// Webhook bodies as Meta documents them (reference meta-calling-api.md §2a–§2d, §3) and as the seed guide shows
/// them ("Webhooks" section). Placeholders in the docs are filled with plausible values; structure is unchanged.
/// </summary>
internal static class WebhookPayloads
{
    public const string InboundOfferSdp =
        "v=0\r\no=- 1671644824 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=ice-lite\r\n" +
        "m=audio 40012 UDP/TLS/RTP/SAVPF 111 126\r\nc=IN IP4 31.13.65.60\r\n" +
        "a=fingerprint:sha-256 AB:CD\r\na=setup:actpass\r\na=mid:audio\r\na=rtcp-mux\r\n" +
        "a=rtpmap:111 opus/48000/2\r\na=rtpmap:126 telephone-event/8000\r\n";

    public const string AnswerSdp = "v=0\r\no=- 7 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=ice-lite\r\nm=audio 3482 UDP/TLS/RTP/SAVPF 111\r\na=setup:active\r\n";

    /// <summary>§2a: user-initiated connect with the user's offer, caller in contacts, deeplink and CTA payloads.</summary>
    public const string InboundConnect = """
        { "object": "whatsapp_business_account",
          "entry": [{ "id": "102290129340398",
            "changes": [{ "field": "calls",
              "value": {
                "messaging_product": "whatsapp",
                "metadata": { "display_phone_number": "16315553601", "phone_number_id": "106540352242922" },
                "contacts": [{ "profile": { "name": "Pablo Morales" }, "wa_id": "16315553602" }],
                "calls": [{
                  "id": "wacid.ABGGFjFVU2AfAgo6V-Hc5eCgK5Gh",
                  "to": "16315553601", "from": "16315553602",
                  "event": "connect", "timestamp": "1671644824",
                  "direction": "USER_INITIATED",
                  "deeplink_payload": "deeplink-42", "cta_payload": "cta-7",
                  "session": { "sdp_type": "offer", "sdp": "v=0\r\no=- 1671644824 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=ice-lite\r\nm=audio 40012 UDP/TLS/RTP/SAVPF 111 126\r\nc=IN IP4 31.13.65.60\r\na=fingerprint:sha-256 AB:CD\r\na=setup:actpass\r\na=mid:audio\r\na=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\na=rtpmap:126 telephone-event/8000\r\n" } }] } }] }] }
        """;

    /// <summary>§2b: business-initiated connect with Meta's answer in <c>session</c> and the legacy copy alongside.</summary>
    public const string OutboundConnect = """
        { "object": "whatsapp_business_account",
          "entry": [{ "id": "102290129340398",
            "changes": [{ "field": "calls",
              "value": {
                "messaging_product": "whatsapp",
                "metadata": { "display_phone_number": "16315553601", "phone_number_id": "106540352242922" },
                "calls": [{
                  "id": "wacid.HBgLMTY1MDM4Nzk0MzkVAgARGCA",
                  "to": "16315553602", "from": "16315553601",
                  "event": "connect", "timestamp": "1671644830",
                  "direction": "BUSINESS_INITIATED",
                  "biz_opaque_callback_data": "0fS5cePMok",
                  "session": { "sdp_type": "answer", "sdp": "v=0\r\no=- 7 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=ice-lite\r\nm=audio 3482 UDP/TLS/RTP/SAVPF 111\r\na=setup:active\r\n" },
                  "connection": { "webrtc": { "sdp": "{\"sdp\":\"stale legacy copy\",\"type\":\"answer\"}" } } }] } }] }] }
        """;

    /// <summary>§2b legacy: only <c>connection.webrtc.sdp</c>, a JSON-stringified <c>{sdp, type}</c>.</summary>
    public const string OutboundConnectLegacy = """
        { "object": "whatsapp_business_account",
          "entry": [{ "id": "102290129340398",
            "changes": [{ "field": "calls",
              "value": {
                "messaging_product": "whatsapp",
                "metadata": { "display_phone_number": "16315553601", "phone_number_id": "106540352242922" },
                "calls": [{
                  "id": "wacid.LEGACY1", "to": "16315553602", "from": "16315553601",
                  "event": "connect", "timestamp": "1671644830", "direction": "BUSINESS_INITIATED",
                  "connection": { "webrtc": { "sdp": "{\"sdp\":\"v=0\\r\\no=- 7 2 IN IP4 127.0.0.1\\r\\ns=-\\r\\nt=0 0\\r\\na=ice-lite\\r\\nm=audio 3482 UDP/TLS/RTP/SAVPF 111\\r\\na=setup:active\\r\\n\",\"type\":\"answer\"}" } } }] } }] }] }
        """;

    /// <summary>§2c: the three documented statuses of one outbound call, batched in one change.</summary>
    public const string Statuses = """
        { "object": "whatsapp_business_account",
          "entry": [{ "id": "102290129340398",
            "changes": [{ "field": "calls",
              "value": { "messaging_product": "whatsapp",
                "metadata": { "display_phone_number": "16315553601", "phone_number_id": "106540352242922" },
                "statuses": [
                  { "id": "wacid.HBgLMTY1MDM4Nzk0MzkVAgARGCA", "timestamp": "1671644824", "type": "call",
                    "status": "RINGING", "recipient_id": "16315553602", "biz_opaque_callback_data": "0fS5cePMok" },
                  { "id": "wacid.HBgLMTY1MDM4Nzk0MzkVAgARGCA", "timestamp": "1671644826", "type": "call",
                    "status": "ACCEPTED", "recipient_id": "16315553602", "biz_opaque_callback_data": "0fS5cePMok" },
                  { "id": "wacid.HBgLMTY1MDM4Nzk0MzkVAgARGCA", "timestamp": "1671644827", "type": "call",
                    "status": "REJECTED", "recipient_id": "16315553602", "biz_opaque_callback_data": "0fS5cePMok" } ] } }] }] }
        """;

    /// <summary>§2d: a failed call with its errors at value level.</summary>
    public const string TerminateFailed = """
        { "object": "whatsapp_business_account",
          "entry": [{ "id": "102290129340398",
            "changes": [{ "field": "calls",
              "value": { "messaging_product": "whatsapp",
                "metadata": { "display_phone_number": "16315553601", "phone_number_id": "106540352242922" },
                "calls": [{ "id": "wacid.FAILED1", "to": "16315553602", "from": "16315553601", "event": "terminate",
                            "direction": "BUSINESS_INITIATED", "biz_opaque_callback_data": "random_string",
                            "timestamp": "1671644824", "status": "FAILED" }],
                "errors": [{ "code": 138021, "message": "ERROR_TITLE",
                             "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
                             "error_data": { "details": "Media receive timeout" } }] } }] }] }
        """;

    /// <summary>§2d: a completed call with start/end/duration (docs' "Completed" casing variant).</summary>
    public const string TerminateCompleted = """
        { "object": "whatsapp_business_account",
          "entry": [{ "id": "102290129340398",
            "changes": [{ "field": "calls",
              "value": { "messaging_product": "whatsapp",
                "metadata": { "display_phone_number": "16315553601", "phone_number_id": "106540352242922" },
                "calls": [{ "id": "wacid.DONE1", "to": "16315553601", "from": "16315553602", "event": "terminate",
                            "direction": "USER_INITIATED", "timestamp": "1671644944", "status": "Completed",
                            "start_time": "1671644824", "end_time": "1671644944", "duration": 120 }] } }] }] }
        """;

    /// <summary>§3: the user's reply to our call permission request (field <c>messages</c>).</summary>
    public const string PermissionReply = """
        { "object": "whatsapp_business_account",
          "entry": [{ "id": "102290129340398",
            "changes": [{ "field": "messages",
              "value": { "messaging_product": "whatsapp",
                "metadata": { "display_phone_number": "16315553601", "phone_number_id": "106540352242922" },
                "contacts": [{ "profile": { "name": "Pablo Morales" }, "wa_id": "16315553602" }],
                "messages": [{ "from": "16315553602", "id": "wamid.REPLY1", "timestamp": "1745000000",
                  "context": { "from": "16315553601", "id": "wamid.REQUEST1" },
                  "type": "interactive",
                  "interactive": { "type": "call_permission_reply",
                    "call_permission_reply": { "response": "accept", "is_permanent": false,
                      "expiration_timestamp": "1745604800", "response_source": "user_action" } } }] } }] }] }
        """;

    /// <summary>§3: permission granted automatically by the user calling us; context id is the call id.</summary>
    public const string PermissionReplyAutomatic = """
        { "object": "whatsapp_business_account",
          "entry": [{ "id": "102290129340398",
            "changes": [{ "field": "messages",
              "value": { "messaging_product": "whatsapp",
                "metadata": { "display_phone_number": "16315553601", "phone_number_id": "106540352242922" },
                "messages": [{ "from": "16315553602", "id": "wamid.REPLY2", "timestamp": "1745000100",
                  "context": { "from": "16315553602", "id": "wacid.ABGGFjFVU2AfAgo6V-Hc5eCgK5Gh" },
                  "type": "interactive",
                  "interactive": { "type": "call_permission_reply",
                    "call_permission_reply": { "response": "accept", "is_permanent": true,
                      "response_source": "automatic" } } }] } }] }] }
        """;

    /// <summary>An error webhook tied to no call (131044, no payment method).</summary>
    public const string ErrorOnly = """
        { "object": "whatsapp_business_account",
          "entry": [{ "id": "102290129340398",
            "changes": [{ "field": "calls",
              "value": { "messaging_product": "whatsapp",
                "metadata": { "display_phone_number": "16315553601", "phone_number_id": "106540352242922" },
                "errors": [{ "code": 131044, "title": "No valid payment method",
                             "message": "No valid payment method", "error_data": { "details": "Add a payment method" } }] } }] }] }
        """;

    /// <summary>Seed guide "1. Call Connect Webhook", verbatim.</summary>
    public const string SeedConnect = """
        {
          "object": "whatsapp_business_account",
          "entry": [
            {
              "id": "WHATSAPP_BUSINESS_ACCOUNT_ID",
              "changes": [
                {
                  "value": {
                    "messaging_product": "whatsapp",
                    "call_id": "wacid.HBgYMTQwODU1NTEyMzQVAgASGCA4RTNERTg5QjYxNDkxNjJFQ0U3NkNBQTZFNjU5REQcGAw5MTczMDYzNTY1MTQVAgAVFAA",
                    "from": "14085551234",
                    "session": {
                      "sdp_type": "answer",
                      "sdp": "v=0\r\no=- 123456 2 IN IP4 ..."
                    },
                    "event_type": "call.connect"
                  },
                  "field": "calls"
                }
              ]
            }
          ]
        }
        """;

    /// <summary>Seed guide "2. Call Status Webhook" as printed: a bare <c>value</c>, no envelope.</summary>
    public const string SeedStatusBare = """
        {
          "value": {
            "call_id": "wacid.XXX",
            "from": "14085551234",
            "status": "accepted",
            "event_type": "call.status"
          }
        }
        """;

    /// <summary>Seed guide "2. Call Status Webhook" value inside the envelope its connect example uses.</summary>
    public static string SeedStatus(string status) => Envelope($$"""
        { "call_id": "wacid.XXX", "from": "14085551234", "status": "{{status}}", "event_type": "call.status" }
        """);

    /// <summary>Seed guide "3. Call Terminate Webhook" value inside the envelope its connect example uses.</summary>
    public static readonly string SeedTerminate = Envelope("""
        { "call_id": "wacid.XXX", "from": "14085551234", "duration": 120, "reason": "user_hangup", "event_type": "call.terminate" }
        """);

    /// <summary>Wraps a <c>value</c> object in a one-entry, one-change <c>calls</c> envelope.</summary>
    public static string Envelope(string value, string field = "calls") => $$"""
        { "object": "whatsapp_business_account",
          "entry": [{ "id": "102290129340398", "changes": [{ "field": "{{field}}", "value": {{value}} }] }] }
        """;

    public static byte[] Utf8(string json) => Encoding.UTF8.GetBytes(json);
}
