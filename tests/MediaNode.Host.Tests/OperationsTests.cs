using System.Net;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Serverless.MediaNode.Health;
using Serverless.Shared.Media;
using static Serverless.MediaNode.Host.Tests.TestKit;

namespace Serverless.MediaNode.Host.Tests;

/// <summary>Heartbeat row, health endpoints, and commands through Storage Queues on Azurite.</summary>
public sealed class OperationsTests
{
    [Fact]
    public async Task Heartbeat_WritesTheNodeRowToTableStorage()
    {
        await using var node = await NodeHarness.StartAsync(new Dictionary<string, string?> { ["MediaNode:MaxCalls"] = "7" });
        var heartbeat = node.App.Services.GetRequiredService<HeartbeatService>();
        var callId = NewCallId();
        await node.Commands.SendAsync(Outbound(callId));
        await node.Events.WaitForAsync<OfferReady>(callId);

        await heartbeat.BeatAsync(CancellationToken.None);

        var options = node.App.Services.GetRequiredService<MediaNodeOptions>();
        var table = new TableServiceClient(DevelopmentStorage).GetTableClient(options.HeartbeatTable);
        var row = (await table.GetEntityAsync<TableEntity>(HeartbeatService.PartitionKey, node.NodeId)).Value;
        Assert.Equal("127.0.0.1", row.GetString("Address"));
        Assert.Equal(node.App.Services.GetRequiredService<Sessions.PeerFactoryHost>().Port, row.GetInt32("UdpPort"));
        Assert.Equal(7, row.GetInt32("MaxCalls"));
        Assert.Equal(1, row.GetInt32("ActiveCalls"));
        Assert.Equal(6, row.GetInt32("FreeCapacity"));
        Assert.False(row.GetBoolean("Draining"));
        Assert.False(string.IsNullOrEmpty(row.GetString("Version")));
        Assert.True(heartbeat.StorageReachable);
    }

    [Fact]
    public async Task Heartbeat_IsWrittenAtOnce_WhenTheNodeFillsUp_GetsRoomAgain_AndStartsDraining()
    {
        // An interval far beyond the test: every row seen here was written by an edge, not by the timer.
        await using var node = await NodeHarness.StartAsync(new Dictionary<string, string?>
        {
            ["MediaNode:MaxCalls"] = "1",
            ["MediaNode:HeartbeatInterval"] = "01:00:00",
        });
        var heartbeat = node.App.Services.GetRequiredService<HeartbeatService>();
        var options = node.App.Services.GetRequiredService<MediaNodeOptions>();
        var table = new TableServiceClient(DevelopmentStorage).GetTableClient(options.HeartbeatTable);
        async Task<TableEntity> RowAfterAsync(Func<Task> act, int free)
        {
            var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            void OnWritten(int reported)
            {
                if (reported == free)
                {
                    written.TrySetResult();
                }
            }

            heartbeat.RowWritten += OnWritten;
            try
            {
                await act();
                await written.Task.WaitAsync(Wait);
            }
            finally
            {
                heartbeat.RowWritten -= OnWritten;
            }

            return (await table.GetEntityAsync<TableEntity>(HeartbeatService.PartitionKey, node.NodeId)).Value;
        }

        var callId = NewCallId();
        var full = await RowAfterAsync(() => node.Commands.SendAsync(Outbound(callId)), free: 0);
        Assert.Equal((1, 0, false), (full.GetInt32("ActiveCalls"), full.GetInt32("FreeCapacity"), full.GetBoolean("Draining")));

        var roomy = await RowAfterAsync(async () =>
        {
            await node.Events.WaitForAsync<OfferReady>(callId);
            await node.Commands.SendAsync(HangupOf(callId, node.NodeId, 1));
        }, free: 1);
        Assert.Equal((0, 1), (roomy.GetInt32("ActiveCalls"), roomy.GetInt32("FreeCapacity")));

        var draining = await RowAfterAsync(() =>
        {
            node.Sessions.BeginDrain();
            return Task.CompletedTask;
        }, free: 0);
        Assert.Equal((0, 0, true), (draining.GetInt32("ActiveCalls"), draining.GetInt32("FreeCapacity"), draining.GetBoolean("Draining")));
    }

    [Fact]
    public async Task Health_LiveAlways_ReadyWhenPortTransportAndStorageAre()
    {
        await using var node = await NodeHarness.StartAsync();
        await node.App.Services.GetRequiredService<HeartbeatService>().BeatAsync(CancellationToken.None);
        using var http = new HttpClient { BaseAddress = node.HttpBase };

        using var live = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
        using var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task WarmUp_RunsTheAnswerPathBeforeCommands_AndLeavesNothingBehind()
    {
        await using var node = await NodeHarness.StartAsync();
        var services = node.App.Services;
        var warmUp = services.GetRequiredService<NodeWarmUp>();
        var hosted = services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().ToList();
        var mux = services.GetRequiredService<Sessions.PeerFactoryHost>().Factory.Mux;

        Assert.True(warmUp.Completed);
        Assert.Equal(NodeWarmUp.StepCount, warmUp.StepsSucceeded);
        // Started (in order) after the port is bound and before the command receiver.
        Assert.True(hosted.IndexOf(services.GetRequiredService<Sessions.PeerFactoryHost>()) < hosted.IndexOf(warmUp));
        Assert.True(hosted.IndexOf(warmUp) < hosted.FindIndex(h => h is Serverless.Shared.Transport.CommandReceiverHostedService));
        // Its peers are gone, nothing was sent or received on the port, no call was admitted and no event reported.
        Assert.Equal(0, mux.ConnectionCount);
        Assert.Equal(0, mux.Counters.Received);
        Assert.Equal(0, node.Sessions.ActiveCount);
        Assert.Empty(node.Events.Events);
    }

    [Fact]
    public async Task Readiness_WaitsForTheWarmUp()
    {
        await using var node = await NodeHarness.StartAsync();
        var services = node.App.Services;
        await services.GetRequiredService<HeartbeatService>().BeatAsync(CancellationToken.None);
        var fresh = new NodeWarmUp(
            services.GetRequiredService<Sessions.PeerFactoryHost>(),
            services.GetRequiredService<Sessions.ICallAudioFactory>(),
            services.GetRequiredService<MediaNodeOptions>(),
            TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<NodeWarmUp>.Instance);
        var readiness = new ReadinessCheck(
            services.GetRequiredService<Sessions.PeerFactoryHost>(),
            fresh,
            services.GetServices<Microsoft.Extensions.Hosting.IHostedService>(),
            services.GetRequiredService<HeartbeatService>(),
            node.Sessions,
            services.GetRequiredService<Serverless.Shared.Transport.ICommandReceiver>());

        Assert.Equal(["warm-up"], readiness.Check());
        await fresh.StartAsync(CancellationToken.None);
        Assert.Empty(readiness.Check());
    }

    [Fact]
    public async Task Readiness_IsLostWhileDraining()
    {
        await using var node = await NodeHarness.StartAsync();
        await node.App.Services.GetRequiredService<HeartbeatService>().BeatAsync(CancellationToken.None);
        node.Sessions.BeginDrain();
        using var http = new HttpClient { BaseAddress = node.HttpBase };

        using var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("draining", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StorageQueues_CommandsFromAzuriteQueues_ProduceEvents()
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..8];
        await using var node = await NodeHarness.StartAsync(new Dictionary<string, string?>
        {
            ["MediaNode:Transport:Kind"] = "StorageQueues",
            ["MediaNode:Transport:ConnectionString"] = DevelopmentStorage,
            ["MediaNode:Transport:NewCallsQueue"] = prefix + "-new",
            ["MediaNode:Transport:NodeQueuePrefix"] = prefix + "-",
        });
        var callId = NewCallId();

        await node.Commands.SendAsync(Outbound(callId));
        var offer = await node.Events.WaitForAsync<OfferReady>(callId);
        await node.Commands.SendAsync(HangupOf(callId, offer.NodeId!, 1));
        await node.Events.WaitForAsync<MediaEnded>(callId);

        Assert.Equal(node.NodeId, offer.NodeId);
        Assert.Equal(["OfferReady", "MediaEnded"], node.Events.ForCall(callId).Select(e => e.MessageType));
    }

    [Fact]
    public async Task Heartbeat_LastRowOnShutdownShowsTheNodeDrainingAndEmpty()
    {
        await using var node = await NodeHarness.StartAsync();
        var callId = NewCallId();
        await node.Commands.SendAsync(Outbound(callId));
        await node.Events.WaitForAsync<OfferReady>(callId);

        await node.StopAsync();

        var options = node.App.Services.GetRequiredService<MediaNodeOptions>();
        var table = new TableServiceClient(DevelopmentStorage).GetTableClient(options.HeartbeatTable);
        var row = (await table.GetEntityAsync<TableEntity>(HeartbeatService.PartitionKey, node.NodeId)).Value;
        Assert.True(row.GetBoolean("Draining"));
        Assert.Equal(0, row.GetInt32("ActiveCalls"));
        Assert.Equal(0, row.GetInt32("FreeCapacity"));
    }

    [Fact]
    public async Task InvalidOptions_StopTheNodeAtStart()
    {
        var failure = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(
            () => NodeHarness.StartAsync(new Dictionary<string, string?> { ["MediaNode:MaxCalls"] = "0" }));

        Assert.Contains("MaxCalls", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:10000/devstoreaccount1/recordings")]
    [InlineData("https://otheraccount.blob.core.windows.net/prompts")]
    public async Task APromptsContainerTheNodeMustNotRead_StopsTheNodeAtStart(string container)
    {
        var failure = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(
            () => NodeHarness.StartAsync(new Dictionary<string, string?> { ["Prompts:ContainerUrl"] = container }));

        Assert.Contains("Prompts:ContainerUrl", failure.Message, StringComparison.Ordinal);
    }
}
