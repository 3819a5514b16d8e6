using Azure.Messaging.ServiceBus;
using Serverless.Shared.Media;
using Serverless.Shared.Transport;
using Serverless.Shared.Transport.ServiceBus;
using Serverless.Testing.ServiceBusBroker;

namespace Serverless.Shared.Tests.Transport;

/// <summary>
/// The transport contract (<see cref="TransportContractTests"/>) with the Service Bus adapter and the real
/// <c>Azure.Messaging.ServiceBus</c> client against the test broker (tests/ServiceBusBroker), whose queues have the
/// properties Bicep deploys; plus what the real client showed that the substitutes in
/// <see cref="ServiceBusTransportTests"/> could not.
/// </summary>
public sealed class ServiceBusBrokerTransportTests : TransportContractTests
{
    private ServiceBusTestBroker _broker = null!;
    private ServiceBusClient _client = null!;
    private readonly List<IAsyncDisposable> _owned = [];

    /// <summary>
    /// The deployed queue properties, with a short lock (like the Storage tests' short visibility timeout) so a
    /// message whose lock is lost comes back within a test's wait.
    /// </summary>
    private static readonly QueueSettings Queues = QueueSettings.Deployed with { LockDuration = TimeSpan.FromSeconds(5) };

    protected override Task<MediaTransportOptions> ConnectAsync() => ConnectAsync(TimeProvider.System, Queues);

    private Task<MediaTransportOptions> ConnectAsync(TimeProvider brokerTime, QueueSettings queues)
    {
        _broker = ServiceBusTestBroker.Start(new TestBrokerOptions { Time = brokerTime, DefaultQueue = queues });
        _client = new ServiceBusClient(_broker.ConnectionString);
        return Task.FromResult(BaseOptions(TransportKind.ServiceBus, _broker.ConnectionString));
    }

    protected override ICommandSender CreateSender() => Own(new ServiceBusCommandSender(_client, Options.QueueNames()));

    protected override ICommandReceiver CreateReceiver(string nodeId, TimeProvider time) =>
        Own(new ServiceBusCommandReceiver(_client, nodeId, Options, Processors(time), time));

    private T Own<T>(T disposable)
        where T : IAsyncDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    protected override Task<int> CountAsync(string queue) => _broker.MessageCountAsync(queue);

    protected override async Task<IReadOnlyList<MediaCommand>> DeadLetteredAsync(string queue)
    {
        var count = await _broker.DeadLetterCountAsync(queue);
        if (count == 0)
        {
            return [];
        }

        await using var deadLetters = _client.CreateReceiver(queue, new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });
        var received = new List<ServiceBusReceivedMessage>();
        while (received.Count < count)
        {
            received.AddRange(await deadLetters.ReceiveMessagesAsync(count - received.Count, Timeout));
        }

        return [.. received.Select(m => MediaMessageSerializer.TryDeserialize<MediaCommand>(m.Body.ToMemory().Span, out var c, out _)
            ? c : throw new InvalidOperationException("unreadable dead-lettered message"))];
    }

    protected override async Task CleanupAsync()
    {
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }

        await _client.DisposeAsync();
        await _broker.DisposeAsync();
        Assert.Empty(_broker.Faults);
    }

    [Fact]
    public async Task Dead_lettered_command_carries_our_reason_and_detail()
    {
        using var handler = new RecordingHandler { FailWhen = (_, _) => true };
        var command = Commands.Start("c1", DateTimeOffset.UtcNow);
        await Sender.SendAsync(command);
        Run("node-a", handler);

        await EventuallyAsync(async () => await _broker.DeadLetterCountAsync(Options.NewCallsQueue) == 1, "dead-lettered");

        await using var deadLetters = _client.CreateReceiver(Options.NewCallsQueue, new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });
        var dead = await deadLetters.ReceiveMessageAsync(Timeout);
        Assert.Equal(nameof(DeadLetterReason.MaxAttemptsExceeded), dead.DeadLetterReason);
        Assert.Contains("planned failure", dead.DeadLetterErrorDescription, StringComparison.Ordinal);
        Assert.Equal(command.MessageId, dead.MessageId);
    }
}
