using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Tests.App;
using Serverless.Functions.Tests.Calls;
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

    [Fact]
    public async Task WarmUp_OverStorageQueues_SendsItsMessageHiddenAndDeletesIt()
    {
        var queueName = "warm" + Guid.NewGuid().ToString("N")[..12];
        await using var app = await CallingApp.StartAsync(
            settings =>
            {
                settings["Transport:Kind"] = "StorageQueues";
                settings["Transport:ConnectionString"] = AzuriteTables.ConnectionString;
                settings["Transport:NewCallsQueue"] = queueName;
            },
            runNode: false);
        var warmUp = app.Host.Services.GetRequiredService<InboundWarmUp>();

        Assert.Contains("commands queue", warmUp.Succeeded);
        // Azurite counts hidden messages too: 0 means it was deleted, not merely hidden from the nodes.
        var queue = new Azure.Storage.Queues.QueueClient(AzuriteTables.ConnectionString, queueName);
        Assert.True(await queue.ExistsAsync());
        Assert.Equal(0, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }
}
