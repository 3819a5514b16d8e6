using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serverless.Functions.Tests.App;
using Serverless.Shared.Media;

namespace Serverless.Functions.Tests.Flows;

public sealed class FlowLoggingTests
{
    [Fact]
    public async Task A_whole_call_logs_no_phone_number_and_no_secret()
    {
        var logs = new CollectingLoggerProvider();
        await using var app = await CallingApp.StartAsync(services: s => s.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace)));

        await CallEndingTests.DialAsync(app);
        await app.Node.Acked<OfferReady>().WaitAsync(OutboundFlowTests.Timeout);
        await app.DeliverAsync(MetaWebhooks.OutboundAnswer(FakeGraph.WacidFor(1)));
        await app.Node.Acked<MediaConnected>().WaitAsync(OutboundFlowTests.Timeout);
        await app.DeliverAsync(MetaWebhooks.InboundConnect("wacid.LOGGED"));
        using (await app.PostWebhookAsync(MetaWebhooks.InboundConnect("wacid.FOREIGN", CallingApp.NotOurPhoneNumberId)))
        {
        }

        Assert.Contains(logs.Entries, e => e.Message.Contains("we do not serve", StringComparison.Ordinal));
        Assert.Contains(logs.Entries, e => e.Message.Contains("placed from number", StringComparison.Ordinal));
        Assert.All(logs.Entries, e =>
        {
            Assert.DoesNotContain(CallingApp.User, e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(CallingApp.AppSecret, e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(CallingApp.MediaSecret, e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(CallingApp.AccessToken, e.Message, StringComparison.Ordinal);
        });
        // Our own categories log through message templates, never pre-formatted text.
        Assert.All(logs.Entries.Where(e => e.Category.StartsWith("Serverless.Functions", StringComparison.Ordinal)), e => Assert.Contains('{', e.Template ?? string.Empty));
    }
}
