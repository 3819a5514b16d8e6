using Azure.Messaging.ServiceBus;
using Azure.Storage.Queues;
using Serverless.Shared.Transport;
using Serverless.Shared.Transport.StorageQueues;
using Serverless.Testing.ServiceBusBroker;

namespace Serverless.Testing.LocalRun;

/// <summary>The command transport of the run, and what a test needs to look into it on either broker.</summary>
public sealed partial class LocalProduct
{
    /// <summary>The Service Bus test broker carrying the commands (null on Storage Queues).</summary>
    public ServiceBusTestBroker? Broker { get; }

    /// <summary>Which broker carries the commands.</summary>
    public TransportKind Transport => _options.Transport;

    /// <summary>The shared new-calls queue every node reads.</summary>
    public string NewCallsQueue => _options.RunId + "-new";

    /// <summary>The node's own queue (follow-ups of its calls).</summary>
    public string NodeQueue(string nodeId) => _options.RunId + "-node-" + nodeId;

    private string TransportConnectionString => Broker?.ConnectionString ?? _options.StorageConnectionString;

    /// <summary>
    /// Puts <paramref name="body"/> on <paramref name="queue"/> as the Functions' sender would carry a command (Base64
    /// on Storage Queues, a binary body on Service Bus), so a test can hand the node what no sender would write.
    /// </summary>
    public async Task SendRawCommandAsync(string queue, byte[] body, CancellationToken cancellationToken = default)
    {
        if (Broker is { } broker)
        {
            await using var client = new ServiceBusClient(broker.ConnectionString);
            await using var sender = client.CreateSender(queue);
            await sender.SendMessageAsync(new ServiceBusMessage(body) { MessageId = Guid.NewGuid().ToString("N") }, cancellationToken).ConfigureAwait(false);
            return;
        }

        var storage = new QueueClient(_options.StorageConnectionString, queue, StorageQueueClients.CreateClientOptions());
        await storage.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await storage.SendMessageAsync(BinaryData.FromBytes(body), cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The bodies dead-lettered from <paramref name="queue"/>: its <c>-poison</c> queue on Storage Queues, its
    /// <c>$deadletterqueue</c> with the reason the node gave on Service Bus (peeked, left in place).
    /// </summary>
    public async Task<IReadOnlyList<DeadLettered>> DeadLetteredAsync(string queue, CancellationToken cancellationToken = default)
    {
        if (Broker is { } broker)
        {
            await using var client = new ServiceBusClient(broker.ConnectionString);
            await using var receiver = client.CreateReceiver(queue, new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });
            // Received and abandoned rather than peeked (the broker has no peek): abandon puts each one back.
            var messages = await receiver.ReceiveMessagesAsync(32, TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
            foreach (var message in messages)
            {
                await receiver.AbandonMessageAsync(message, cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            return [.. messages.Select(m => new DeadLettered(m.Body.ToArray(), m.DeadLetterReason))];
        }

        var poison = new QueueClient(_options.StorageConnectionString, CommandQueueNames.PoisonOf(queue), StorageQueueClients.CreateClientOptions());
        if (!await poison.ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            return [];
        }

        var peeked = await poison.PeekMessagesAsync(32, cancellationToken).ConfigureAwait(false);
        return [.. peeked.Value.Select(m => new DeadLettered(m.Body.ToArray(), null))];
    }

    private static ServiceBusTestBroker? StartBroker(LocalProductOptions options) =>
        options.Transport == TransportKind.ServiceBus
            // Queues are created on first use with QueueSettings.Deployed: the lock duration, max deliveries,
            // duplicate detection and TTL Bicep deploys (infra/bicep/modules/servicebus-queue.json).
            ? ServiceBusTestBroker.Start(new TestBrokerOptions { Port = options.ServiceBusPort })
            : null;

    private async Task DisposeTransportAsync()
    {
        if (Broker is { } broker)
        {
            await broker.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>A dead-lettered command: its body as sent, and the reason when the broker keeps one (Service Bus).</summary>
public sealed record DeadLettered(byte[] Body, string? Reason);
