using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serverless.MediaNode.Hosting;
using Serverless.MediaNode.Sessions;
using Serverless.Shared.Transport;

namespace Serverless.MediaNode.Host.Tests;

/// <summary>A real MediaNode host on loopback (UDP 127.0.0.1, HTTP 127.0.0.1), events to an <see cref="EventReceiver"/>.</summary>
internal sealed class NodeHarness : IAsyncDisposable
{
    private bool _stopped;

    private NodeHarness(WebApplication app, EventReceiver events, string nodeId)
    {
        App = app;
        Events = events;
        NodeId = nodeId;
    }

    public WebApplication App { get; }

    public EventReceiver Events { get; }

    public string NodeId { get; }

    public ICommandSender Commands => App.Services.GetRequiredService<ICommandSender>();

    public SessionRegistry Sessions => App.Services.GetRequiredService<SessionRegistry>();

    public Uri HttpBase { get; private set; } = null!;

    public static async Task<NodeHarness> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var events = await EventReceiver.StartAsync();
        var nodeId = "node-" + Guid.NewGuid().ToString("N")[..8];
        var config = new Dictionary<string, string?>
        {
            ["MediaNode:NodeId"] = nodeId,
            ["MediaNode:PublicAddress"] = "127.0.0.1",
            ["MediaNode:BindAddress"] = "127.0.0.1",
            ["MediaNode:AnnounceInterfaces"] = "false",
            ["MediaNode:UdpPort"] = "0",
            ["MediaNode:HttpPort"] = "0",
            ["MediaNode:HttpBindAddress"] = "127.0.0.1",
            ["MediaNode:EventsUrl"] = events.Url.ToString(),
            ["MediaNode:EventsSecret"] = EventReceiver.Secret,
            ["MediaNode:StorageConnectionString"] = TestKit.DevelopmentStorage,
            ["Prompts:ContainerUrl"] = TestKit.PromptsContainer,
            ["MediaNode:HeartbeatTable"] = "nodes" + Guid.NewGuid().ToString("N")[..8],
            ["MediaNode:HeartbeatInterval"] = "00:00:01",
            ["MediaNode:MaxCalls"] = "10",
            ["MediaNode:DrainTimeout"] = "00:00:01",
            ["MediaNode:EventRetryDelay"] = "00:00:00.050",
            ["MediaNode:MaxEventRetryDelay"] = "00:00:00.200",
            ["MediaNode:Transport:Kind"] = "InMemory",
            ["MediaNode:Transport:PollInterval"] = "00:00:00.050",
            ["MediaNode:Transport:HoldBackDelay"] = "00:00:00.050",
            ["MediaNode:Transport:RetryDelay"] = "00:00:00.100",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        var app = MediaNodeApp.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(config);
            builder.Logging.ClearProviders();
        });
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            await events.DisposeAsync();
            throw;
        }

        var harness = new NodeHarness(app, events, nodeId);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        harness.HttpBase = new Uri(address);
        return harness;
    }

    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            using var cts = new CancellationTokenSource(TestKit.Wait);
            await App.StopAsync(cts.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await App.DisposeAsync();
        await Events.DisposeAsync();
    }
}
