using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serverless.Shared.Tests.WhatsApp.Graph.Support;
using Serverless.Shared.WhatsApp.Graph;

namespace Serverless.Shared.Tests.WhatsApp.Graph;

/// <summary>The access token never reaches logs or exceptions; user numbers are masked.</summary>
public sealed class GraphLoggingTests
{
    [Fact]
    public async Task Logs_carry_masked_numbers_and_never_the_token()
    {
        using var logs = new CapturingLoggerProvider();
        using var handler = new ScriptedHandler()
            .ThenRespond(HttpStatusCode.OK, """{"calls":[{"id":"wacid.1"}]}""")
            .ThenRespond(HttpStatusCode.BadRequest, """{"error":{"code":138006,"message":"No permission","fbtrace_id":"T1"}}""")
            .ThenRespond(HttpStatusCode.OK, """{"permission":{"status":"no_permission"},"actions":[]}""");
        using var host = new GraphClientHost("http://127.0.0.1:9/", handler, services: s =>
            s.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace)));

        await host.Client.ConnectAsync(GraphClientHost.PhoneNumberId, "14085551234", SampleSdp.Offer());
        var ex = await Assert.ThrowsAsync<WhatsAppApiException>(
            () => host.Client.ConnectAsync(GraphClientHost.PhoneNumberId, "14085551234", SampleSdp.Offer()));

        await host.Client.GetCallPermissionsAsync(GraphClientHost.PhoneNumberId, "16315553602");

        Assert.NotEmpty(logs.Lines);
        Assert.Contains(logs.Lines, l => l.Contains("/call_permissions", StringComparison.Ordinal)); // the request was logged, the query redacted
        Assert.DoesNotContain(logs.Lines, l => l.Contains("16315553602", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, l => l.Contains("14******234", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, l => l.Contains("138006", StringComparison.Ordinal) && l.Contains("T1", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, l => l.Contains("14085551234", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, l => l.Contains(GraphClientHost.Token, StringComparison.Ordinal));
        Assert.DoesNotContain(GraphClientHost.Token, ex.ToString(), StringComparison.Ordinal);
    }
}
