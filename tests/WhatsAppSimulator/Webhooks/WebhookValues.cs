using System.Globalization;
using System.Text.Json;
using Serverless.Testing.WhatsAppSimulator.Calls;

namespace Serverless.Testing.WhatsAppSimulator.Webhooks;

/// <summary>
/// Builds the <c>value</c> objects of Meta's calling webhooks (meta-calling-api.md §2, §3).
/// Timestamps are strings of Unix seconds; <c>duration</c> is a number.
/// </summary>
public static class WebhookValues
{
    /// <summary>Field name of call connect/terminate and status changes.</summary>
    public const string CallsField = "calls";

    /// <summary>Field name of messages (permission replies).</summary>
    public const string MessagesField = "messages";

    /// <summary>§2a/§2b: connect with the offer (inbound) or the phone's answer (outbound).</summary>
    public static WebhookChange Connect(SimulatedCall call, string sdpType, string sdp, long timestamp)
    {
        ArgumentNullException.ThrowIfNull(call);
        return Build(call.Business, CallsField, writer =>
        {
            // Outbound connect webhooks carry no contacts[] (pipecat PR #4451); inbound ones name the caller.
            if (call.Direction == SimulatedCallDirection.UserInitiated)
            {
                WriteContacts(writer, call.UserWaId, call.ProfileName);
            }

            writer.WriteStartArray("calls");
            writer.WriteStartObject();
            WriteCallHead(writer, call, "connect", timestamp);
            if (call.DeeplinkPayload is not null)
            {
                writer.WriteString("deeplink_payload", call.DeeplinkPayload);
            }

            if (call.CtaPayload is not null)
            {
                writer.WriteString("cta_payload", call.CtaPayload);
            }

            writer.WriteStartObject("session");
            writer.WriteString("sdp_type", sdpType);
            writer.WriteString("sdp", sdp);
            writer.WriteEndObject();
            WriteOpaque(writer, call);
            writer.WriteEndObject();
            writer.WriteEndArray();
        });
    }

    /// <summary>§2c: <c>statuses[]</c> RINGING / ACCEPTED / REJECTED of a business-initiated call.</summary>
    public static WebhookChange Status(SimulatedCall call, string status, long timestamp)
    {
        ArgumentNullException.ThrowIfNull(call);
        return Build(call.Business, CallsField, writer =>
        {
            writer.WriteStartArray("statuses");
            writer.WriteStartObject();
            writer.WriteString("id", call.Id);
            writer.WriteString("timestamp", Unix(timestamp));
            writer.WriteString("type", "call");
            writer.WriteString("status", status);
            writer.WriteString("recipient_id", call.UserWaId);
            WriteOpaque(writer, call);
            writer.WriteEndObject();
            writer.WriteEndArray();
        });
    }

    /// <summary>§2d: terminate; times and duration only when the call was picked up, errors[] only when it failed.</summary>
    public static WebhookChange Terminate(SimulatedCall call, string status, long timestamp, WebhookCallError? error)
    {
        ArgumentNullException.ThrowIfNull(call);
        return Build(call.Business, CallsField, writer =>
        {
            if (call.Direction == SimulatedCallDirection.UserInitiated)
            {
                WriteContacts(writer, call.UserWaId, call.ProfileName);
            }

            writer.WriteStartArray("calls");
            writer.WriteStartObject();
            WriteCallHead(writer, call, "terminate", timestamp);
            WriteOpaque(writer, call);
            writer.WriteString("status", status);
            if (call.ConnectedAt is { } start)
            {
                var startUnix = start.ToUnixTimeSeconds();
                writer.WriteString("start_time", Unix(startUnix));
                writer.WriteString("end_time", Unix(timestamp));
                writer.WriteNumber("duration", Math.Max(0, timestamp - startUnix));
            }

            writer.WriteEndObject();
            writer.WriteEndArray();
            if (error is not null)
            {
                writer.WriteStartArray("errors");
                writer.WriteStartObject();
                writer.WriteNumber("code", error.Code);
                writer.WriteString("message", error.Title);
                writer.WriteString("href", "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/");
                writer.WriteStartObject("error_data");
                writer.WriteString("details", error.Details);
                writer.WriteEndObject();
                writer.WriteEndObject();
                writer.WriteEndArray();
            }
        });
    }

    /// <summary>A message receipt (<c>sent</c>, <c>delivered</c>, <c>read</c>): field messages, statuses[] without <c>type</c>.</summary>
    public static WebhookChange MessageStatus(BusinessPhoneNumber business, string messageId, string userWaId, string status, long timestamp)
    {
        ArgumentNullException.ThrowIfNull(business);
        return Build(business, MessagesField, writer =>
        {
            writer.WriteStartArray("statuses");
            writer.WriteStartObject();
            writer.WriteString("id", messageId);
            writer.WriteString("status", status);
            writer.WriteString("timestamp", Unix(timestamp));
            writer.WriteString("recipient_id", userWaId);
            writer.WriteEndObject();
            writer.WriteEndArray();
        });
    }

    /// <summary>§3: a call_permission_reply message from the user.</summary>
    public static WebhookChange PermissionReply(
        BusinessPhoneNumber business,
        string userWaId,
        string profileName,
        string contextId,
        string messageId,
        long timestamp,
        bool accepted,
        bool permanent,
        long? expirationTimestamp,
        string responseSource)
    {
        ArgumentNullException.ThrowIfNull(business);
        return Build(business, MessagesField, writer =>
        {
            WriteContacts(writer, userWaId, profileName);
            writer.WriteStartArray("messages");
            writer.WriteStartObject();
            writer.WriteStartObject("context");
            writer.WriteString("from", userWaId);
            writer.WriteString("id", contextId);
            writer.WriteEndObject();
            writer.WriteString("from", userWaId);
            writer.WriteString("id", messageId);
            writer.WriteString("timestamp", Unix(timestamp));
            writer.WriteString("type", "interactive");
            writer.WriteStartObject("interactive");
            writer.WriteString("type", "call_permission_reply");
            writer.WriteStartObject("call_permission_reply");
            writer.WriteString("response", accepted ? "accept" : "reject");
            writer.WriteBoolean("is_permanent", permanent);
            if (expirationTimestamp is { } expires)
            {
                writer.WriteString("expiration_timestamp", Unix(expires));
            }

            writer.WriteString("response_source", responseSource);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndArray();
        });
    }

    private static WebhookChange Build(BusinessPhoneNumber business, string field, Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WebhookEnvelope.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("messaging_product", "whatsapp");
            writer.WriteStartObject("metadata");
            writer.WriteString("display_phone_number", business.DisplayPhoneNumber);
            writer.WriteString("phone_number_id", business.PhoneNumberId);
            writer.WriteEndObject();
            body(writer);
            writer.WriteEndObject();
        }

        return new WebhookChange(business.WabaId, field, buffer.ToArray());
    }

    private static void WriteCallHead(Utf8JsonWriter writer, SimulatedCall call, string callEvent, long timestamp)
    {
        writer.WriteString("id", call.Id);
        writer.WriteString("to", call.To);
        writer.WriteString("from", call.From);
        writer.WriteString("event", callEvent);
        writer.WriteString("timestamp", Unix(timestamp));
        writer.WriteString("direction", call.DirectionWire);
    }

    private static void WriteOpaque(Utf8JsonWriter writer, SimulatedCall call)
    {
        if (call.BizOpaqueCallbackData is not null)
        {
            writer.WriteString("biz_opaque_callback_data", call.BizOpaqueCallbackData);
        }
    }

    private static void WriteContacts(Utf8JsonWriter writer, string waId, string name)
    {
        writer.WriteStartArray("contacts");
        writer.WriteStartObject();
        writer.WriteStartObject("profile");
        writer.WriteString("name", name);
        writer.WriteEndObject();
        writer.WriteString("wa_id", waId);
        writer.WriteEndObject();
        writer.WriteEndArray();
    }

    private static string Unix(long seconds) => seconds.ToString(CultureInfo.InvariantCulture);
}
