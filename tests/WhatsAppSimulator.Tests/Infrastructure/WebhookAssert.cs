using System.Globalization;
using System.Text.Json;
using Serverless.Shared.Security;

namespace Serverless.Testing.WhatsAppSimulator.Tests.Infrastructure;

/// <summary>Reads Meta's envelope field by field (meta-calling-api.md §2) and checks the signature over the raw bytes.</summary>
public static class WebhookAssert
{
    /// <summary>Asserts the envelope holds exactly one change for <paramref name="business"/>; returns its field and value.</summary>
    public static (string Field, JsonElement Value) SingleChange(ReceivedWebhook webhook, BusinessPhoneNumber business, string appSecret = "sim-app-secret")
    {
        ArgumentNullException.ThrowIfNull(webhook);
        Assert.Equal(SignatureCheck.Valid, new HmacSha256Signature(appSecret).Verify(webhook.Body, webhook.Signature));
        Assert.StartsWith("application/json", webhook.ContentType, StringComparison.Ordinal);
        using var document = webhook.Parse();
        var root = document.RootElement;
        Assert.Equal("whatsapp_business_account", root.GetProperty("object").GetString());
        var entry = Assert.Single(root.GetProperty("entry").EnumerateArray());
        Assert.Equal(business.WabaId, entry.GetProperty("id").GetString());
        var change = Assert.Single(entry.GetProperty("changes").EnumerateArray());
        var value = change.GetProperty("value").Clone();
        Assert.Equal("whatsapp", value.GetProperty("messaging_product").GetString());
        Assert.Equal(business.DisplayPhoneNumber, value.GetProperty("metadata").GetProperty("display_phone_number").GetString());
        Assert.Equal(business.PhoneNumberId, value.GetProperty("metadata").GetProperty("phone_number_id").GetString());
        return (change.GetProperty("field").GetString()!, value);
    }

    public static JsonElement Status(ReceivedWebhook webhook, BusinessPhoneNumber business, string callId, string status, DateTimeOffset at)
    {
        var (field, value) = SingleChange(webhook, business);
        Assert.Equal("calls", field);
        Assert.False(value.TryGetProperty("calls", out _));
        var item = Assert.Single(value.GetProperty("statuses").EnumerateArray());
        Assert.Equal(callId, item.GetProperty("id").GetString());
        Assert.Equal(Unix(at), item.GetProperty("timestamp").GetString());
        Assert.Equal("call", item.GetProperty("type").GetString());
        Assert.Equal(status, item.GetProperty("status").GetString());
        Assert.Equal(SimulatorHarness.User, item.GetProperty("recipient_id").GetString());
        return item;
    }

    public static JsonElement Call(ReceivedWebhook webhook, BusinessPhoneNumber business, string callEvent, string direction, DateTimeOffset at)
    {
        var (field, value) = SingleChange(webhook, business);
        Assert.Equal("calls", field);
        Assert.False(value.TryGetProperty("statuses", out _));
        var call = Assert.Single(value.GetProperty("calls").EnumerateArray());
        Assert.Equal(callEvent, call.GetProperty("event").GetString());
        Assert.Equal(direction, call.GetProperty("direction").GetString());
        Assert.Equal(Unix(at), call.GetProperty("timestamp").GetString());
        var business2User = direction == "BUSINESS_INITIATED";
        Assert.Equal(business2User ? SimulatorHarness.User : business.DisplayPhoneNumber, call.GetProperty("to").GetString());
        Assert.Equal(business2User ? business.DisplayPhoneNumber : SimulatorHarness.User, call.GetProperty("from").GetString());
        return call;
    }

    /// <summary>The value object of a single-change webhook (for contacts[] and errors[]).</summary>
    public static JsonElement Value(ReceivedWebhook webhook, BusinessPhoneNumber business) => SingleChange(webhook, business).Value;

    public static string Unix(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
}
