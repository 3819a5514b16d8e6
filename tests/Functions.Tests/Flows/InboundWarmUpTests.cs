using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Tests.App;
using Serverless.Functions.Webhooks;

namespace Serverless.Functions.Tests.Flows;

/// <summary>
/// The Functions run the inbound webhook's path once at start, before the host serves requests, and leave no trace:
/// no call stored, no command sent, nothing asked of Graph (whose settings read must stay fresh).
/// </summary>
public sealed class InboundWarmUpTests
{
    [Fact]
    public async Task WarmUp_RanEveryStepBeforeTheHostServed_AndLeftNothingBehind()
    {
        await using var app = await CallingApp.StartAsync(runNode: false);
        var warmUp = app.Host.Services.GetRequiredService<InboundWarmUp>();

        // Done by the time the host is up: it runs in the host's start, before the HTTP server listens.
        Assert.True(warmUp.Completed);
        Assert.Equal(["webhook", "calls table", "commands queue", "messages"], warmUp.Succeeded);
        Assert.Empty(app.Graph.Requests);
        Assert.Equal(0, app.Bus.CountReady("commands-new"));
        using var list = await app.Client.GetAsync(new Uri("api/calls", UriKind.Relative));
        Assert.Empty((await CallingApp.ReadJsonAsync(list)).GetProperty("calls").EnumerateArray());
    }
}
