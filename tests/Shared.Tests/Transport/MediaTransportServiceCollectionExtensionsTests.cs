using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Serverless.Shared.Transport;
using Serverless.Shared.Transport.InMemory;
using Serverless.Shared.Transport.ServiceBus;
using Serverless.Shared.Transport.StorageQueues;

namespace Serverless.Shared.Tests.Transport;

public class MediaTransportServiceCollectionExtensionsTests
{
    private static ServiceProvider Build(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        return new ServiceCollection().AddMediaCommandTransport(configuration).BuildServiceProvider();
    }

    [Fact]
    public async Task InMemory_kind_wires_sender_and_receiver_onto_one_bus()
    {
        await using var sp = Build(("Transport:Kind", "InMemory"), ("Transport:NodeId", "node-a"));

        var sender = Assert.IsType<InMemoryCommandSender>(sp.GetRequiredService<ICommandSender>());
        var receiver = Assert.IsType<InMemoryCommandReceiver>(sp.GetRequiredService<ICommandReceiver>());
        using var handler = new RecordingHandler();
        await sender.SendAsync(Commands.Start("c1", DateTimeOffset.UtcNow));

        Assert.Equal(1, await receiver.ReceiveOnceAsync(handler, CancellationToken.None));
        Assert.Equal("node-a", receiver.NodeId);
    }

    [Fact]
    public async Task StorageQueues_kind_builds_the_storage_adapter_from_the_connection_string()
    {
        await using var sp = Build(
            ("Transport:Kind", "StorageQueues"), ("Transport:ConnectionString", "UseDevelopmentStorage=true"),
            ("Transport:NodeId", "node-a"), ("Transport:NewCallsQueue", "calls-new"));

        Assert.IsType<StorageQueueCommandSender>(sp.GetRequiredService<ICommandSender>());
        Assert.IsType<StorageQueueCommandReceiver>(sp.GetRequiredService<ICommandReceiver>());
        Assert.Equal("calls-new", sp.GetRequiredService<IOptions<MediaTransportOptions>>().Value.NewCallsQueue);
    }

    [Fact]
    public async Task ServiceBus_kind_builds_the_service_bus_adapter()
    {
        await using var sp = Build(
            ("Transport:Kind", "ServiceBus"),
            ("Transport:ConnectionString", "Endpoint=sb://127.0.0.1/;SharedAccessKeyName=k;SharedAccessKey=c2VjcmV0"));

        Assert.IsType<ServiceBusCommandSender>(sp.GetRequiredService<ICommandSender>());
        Assert.Equal("127.0.0.1", sp.GetRequiredService<ServiceBusClient>().FullyQualifiedNamespace);
    }

    [Fact]
    public async Task Identity_endpoints_use_the_TokenCredential_the_host_registers()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Transport:Kind"] = "StorageQueues",
            ["Transport:QueueServiceUri"] = "https://127.0.0.1:1/devstoreaccount1",
        }).Build();
        var credential = NSubstitute.Substitute.For<Azure.Core.TokenCredential>();
        await using var sp = new ServiceCollection()
            .AddSingleton(credential)
            .AddMediaCommandTransport(configuration)
            .BuildServiceProvider();

        sp.GetRequiredService<IStartupValidator>().Validate();
        Assert.IsType<StorageQueueCommandSender>(sp.GetRequiredService<ICommandSender>());
    }

    [Fact]
    public async Task AddMediaCommandReceiver_runs_the_handler_for_the_hosts_lifetime()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Transport:Kind"] = "InMemory",
            ["Transport:NodeId"] = "node-a",
        });
        builder.Services.AddMediaCommandReceiver<RecordingHandler>(builder.Configuration);
        using var host = builder.Build();
        var handler = (RecordingHandler)host.Services.GetRequiredService<ICommandHandler>();

        await host.StartAsync();
        await host.Services.GetRequiredService<ICommandSender>().SendAsync(Commands.Start("c1", DateTimeOffset.UtcNow));
        await handler.WaitUntilAsync(h => h.Handled.Count == 1, TimeSpan.FromSeconds(10));
        await host.StopAsync();

        Assert.Equal("c1", Assert.Single(handler.Handled).CallId);
    }

    [Fact]
    public async Task Receiver_without_NodeId_is_refused_with_a_clear_message()
    {
        await using var sp = Build(("Transport:Kind", "InMemory"));

        var error = Assert.Throws<InvalidOperationException>(() => sp.GetRequiredService<ICommandReceiver>());
        Assert.Contains("Transport:NodeId", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Transport:NodeId", "node-a", "Transport:Kind")]
    [InlineData("Transport:Kind", "ServiceBus", "ConnectionString or Transport:FullyQualifiedNamespace")]
    [InlineData("Transport:Kind", "StorageQueues", "ConnectionString or Transport:QueueServiceUri")]
    public async Task Missing_settings_fail_validation_at_start(string key, string value, string expected)
    {
        await using var sp = Build((key, value));

        var error = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Transport:NewCallsQueue", "New_Calls", "NewCallsQueue")]
    [InlineData("Transport:NodeId", "Node A", "NodeId")]
    [InlineData("Transport:MaxAttempts", "0", "MaxAttempts")]
    [InlineData("Transport:BatchSize", "33", "BatchSize")]
    [InlineData("Transport:VisibilityTimeout", "00:00:00.500", "VisibilityTimeout")]
    [InlineData("Transport:MaxHoldTime", "00:00:10", "MaxHoldTime")]
    public async Task Invalid_settings_fail_validation_at_start(string key, string value, string expected)
    {
        await using var sp = Build(("Transport:Kind", "InMemory"), (key, value));

        var error = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Defaults_are_valid()
    {
        await using var sp = Build(("Transport:Kind", "InMemory"), ("Transport:NodeId", "node-a"));

        sp.GetRequiredService<IStartupValidator>().Validate();
    }
}
