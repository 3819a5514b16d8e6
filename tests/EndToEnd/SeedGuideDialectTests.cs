using Serverless.Testing.EndToEnd.Infrastructure;
using Serverless.Testing.LocalRun;
using Serverless.Testing.WhatsAppSimulator.Webhooks;
using static Serverless.Testing.EndToEnd.Infrastructure.E2E;

namespace Serverless.Testing.EndToEnd;

/// <summary>The seed guide's flat webhook shapes (call.connect / call.status / call.terminate) drive a call too.</summary>
public sealed class SeedGuideDialectTests
{
    [Fact]
    public async Task Seed_guide_webhook_shapes_drive_an_outbound_call_end_to_end()
    {
        await using var product = await LocalProduct.StartAsync(new LocalProductOptions
        {
            ConfigureSimulator = s => s.WebhookDialect = WebhookDialect.SeedGuide,
        });
        product.Simulator.Permissions.Grant(User);

        var callId = await product.DialAcceptedAsync(User, new { steps = new object[] { new { tone = new { hz = PromptHz, ms = 120_000 } } } });
        var phone = await product.Phones.WaitForPhoneAsync(User, Wait);
        await phone.WaitForToneAsync(PromptHz, Wait);
        await product.Calls.WaitForStateAsync(callId, "connected", Wait);
        Assert.True(product.Simulator.HangUpAsUser(await product.WacidAsync(callId)));
        var ended = await product.Calls.WaitAsync(callId, c => c.IsFinal(), Wait);

        Assert.True(ended.State() == "ended", ended.ToString());
        Assert.Equal("completed", ended.Outcome());
        Assert.Contains(product.Simulator.Webhooks.Deliveries, d => d.BodyText.Contains("call.terminate", StringComparison.Ordinal));
    }
}
