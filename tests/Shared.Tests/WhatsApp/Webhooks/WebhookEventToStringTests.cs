using Serverless.Shared.WhatsApp.Webhooks;

namespace Serverless.Shared.Tests.WhatsApp.Webhooks;

/// <summary>Events end up in logs: their text must not carry phone numbers, names, SDP or opaque data in clear.</summary>
public sealed class WebhookEventToStringTests
{
    public static TheoryData<string> Payloads() =>
    [
        WebhookPayloads.InboundConnect,
        WebhookPayloads.OutboundConnect,
        WebhookPayloads.Statuses,
        WebhookPayloads.TerminateFailed,
        WebhookPayloads.TerminateCompleted,
        WebhookPayloads.PermissionReply,
        WebhookPayloads.ErrorOnly,
        WebhookPayloads.SeedConnect,
    ];

    [Theory]
    [MemberData(nameof(Payloads))]
    public void ToString_masks_numbers_and_omits_personal_data(string payload)
    {
        foreach (var webhookEvent in ParseAssert.Parses(payload).Events)
        {
            var text = webhookEvent.ToString();

            Assert.DoesNotContain("16315553602", text, StringComparison.Ordinal);
            Assert.DoesNotContain("16315553601", text, StringComparison.Ordinal);
            Assert.DoesNotContain("14085551234", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Pablo", text, StringComparison.Ordinal);
            Assert.DoesNotContain("v=0", text, StringComparison.Ordinal);
            Assert.DoesNotContain("0fS5cePMok", text, StringComparison.Ordinal);
            Assert.StartsWith(webhookEvent.GetType().Name, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ToString_shows_masked_numbers_and_the_call_id()
    {
        var text = ParseAssert.Single<CallConnect>(WebhookPayloads.InboundConnect).ToString();

        Assert.Contains("From = 16******602", text, StringComparison.Ordinal);
        Assert.Contains("wacid.ABGGFjFVU2AfAgo6V-Hc5eCgK5Gh", text, StringComparison.Ordinal);
    }
}
