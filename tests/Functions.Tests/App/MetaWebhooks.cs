using System.Globalization;
using System.Text.Json;

namespace Serverless.Functions.Tests.App;

/// <summary>Webhook bodies in Meta's real shapes (meta-calling-api.md §2).</summary>
internal static class MetaWebhooks
{
    public const string UserSdp =
        "v=0\r\no=- 1 2 IN IP4 127.0.0.2\r\ns=-\r\nt=0 0\r\nm=audio 3480 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 127.0.0.2\r\n" +
        "a=ice-lite\r\na=fingerprint:sha-256 11:22:33:44:55:66:77:88:99:00:AA:BB:CC:DD:EE:FF:11:22:33:44:55:66:77:88:99:00:AA:BB:CC:DD:EE:FF\r\n" +
        "a=setup:active\r\na=rtpmap:111 opus/48000/2\r\n";

    public static string InboundConnect(string wacid, string phoneNumberId = CallingApp.PhoneNumberId, string from = CallingApp.User) =>
        Envelope(phoneNumberId, "calls", new
        {
            contacts = new[] { new { profile = new { name = "Test User" }, wa_id = from } },
            calls = new[]
            {
                new
                {
                    id = wacid, to = "16315553601", from, @event = "connect", timestamp = Ts(),
                    direction = "USER_INITIATED", session = new { sdp_type = "offer", sdp = UserSdp },
                },
            },
        });

    public static string OutboundAnswer(string wacid, string phoneNumberId = CallingApp.PhoneNumberId) =>
        Envelope(phoneNumberId, "calls", new
        {
            calls = new[]
            {
                new
                {
                    id = wacid, to = CallingApp.User, from = "16315553601", @event = "connect", timestamp = Ts(),
                    direction = "BUSINESS_INITIATED", session = new { sdp_type = "answer", sdp = UserSdp },
                },
            },
        });

    public static string Status(string wacid, string status, string phoneNumberId = CallingApp.PhoneNumberId) =>
        Envelope(phoneNumberId, "calls", new
        {
            statuses = new[] { new { id = wacid, timestamp = Ts(), type = "call", status, recipient_id = CallingApp.User } },
        });

    public static string Terminate(string wacid, string status, bool outbound, int? duration = 42, int? errorCode = null, string phoneNumberId = CallingApp.PhoneNumberId)
    {
        var call = new Dictionary<string, object?>
        {
            ["id"] = wacid,
            ["to"] = outbound ? CallingApp.User : "16315553601",
            ["from"] = outbound ? "16315553601" : CallingApp.User,
            ["event"] = "terminate",
            ["direction"] = outbound ? "BUSINESS_INITIATED" : "USER_INITIATED",
            ["timestamp"] = Ts(),
            ["status"] = status,
        };
        if (duration is { } d)
        {
            call["start_time"] = Ts();
            call["end_time"] = Ts();
            call["duration"] = d;
        }

        var value = new Dictionary<string, object?> { ["calls"] = new[] { call } };
        if (errorCode is { } code)
        {
            value["errors"] = new[] { new { code, message = "Media receive timeout" } };
        }

        return Envelope(phoneNumberId, "calls", value);
    }

    /// <summary>A <c>call_permission_reply</c> message (field <c>messages</c>, meta-calling-api.md §3).</summary>
    public static string PermissionReply(string response, bool permanent, DateTimeOffset? expiration = null, string from = CallingApp.User) =>
        Envelope(CallingApp.PhoneNumberId, "messages", new
        {
            contacts = new[] { new { profile = new { name = "Test User" }, wa_id = from } },
            messages = new[]
            {
                new
                {
                    from, id = "wamid.REPLY" + Guid.NewGuid().ToString("N"), timestamp = Ts(), type = "interactive",
                    context = new { from, id = "wamid.REQ1" },
                    interactive = new
                    {
                        type = "call_permission_reply",
                        call_permission_reply = new
                        {
                            response, is_permanent = permanent,
                            expiration_timestamp = expiration?.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
                            response_source = "user_action",
                        },
                    },
                },
            },
        });

    /// <summary>A text message from the user (field <c>messages</c>), e.g. an opt-out keyword.</summary>
    public static string Text(string body, string from = CallingApp.User) =>
        Envelope(CallingApp.PhoneNumberId, "messages", new
        {
            contacts = new[] { new { profile = new { name = "Test User" }, wa_id = from } },
            messages = new[]
            {
                new { from, id = "wamid.TEXT" + Guid.NewGuid().ToString("N"), timestamp = Ts(), type = "text", text = new { body } },
            },
        });

    /// <summary>One delivery carrying the entries of several bodies, in order (Meta batches deliveries).</summary>
    public static string Batch(params string[] bodies)
    {
        var entries = bodies.SelectMany(b => JsonDocument.Parse(b).RootElement.GetProperty("entry").EnumerateArray().Select(e => e.Clone())).ToArray();
        return JsonSerializer.Serialize(new { @object = "whatsapp_business_account", entry = entries });
    }

    private static string Envelope(string phoneNumberId, string field, object value)
    {
        var merged = JsonSerializer.SerializeToElement(value);
        var dict = new Dictionary<string, object?>
        {
            ["messaging_product"] = "whatsapp",
            ["metadata"] = new { display_phone_number = "16315553601", phone_number_id = phoneNumberId },
        };
        foreach (var property in merged.EnumerateObject())
        {
            dict[property.Name] = property.Value;
        }

        return JsonSerializer.Serialize(new
        {
            @object = "whatsapp_business_account",
            entry = new[] { new { id = "waba-1", changes = new[] { new { field, value = dict } } } },
        });
    }

    private static string Ts() => DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
}
