using Azure.Messaging.ServiceBus;

namespace Serverless.Shared.Transport.ServiceBus;

/// <summary>
/// <see cref="ICommandReceiver"/> over Azure Service Bus: peek-lock receivers on the node's own queue and on the
/// shared new-calls queue (competing consumers), each message settled by the shared <see cref="CommandProcessor"/>,
/// its lock renewed while it waits or runs (<see cref="LockRenewal"/>).
/// </summary>
public sealed class ServiceBusCommandReceiver : ICommandReceiver, IAsyncDisposable
{
    private readonly CommandProcessorFactory _processors;
    private readonly MediaTransportOptions _options;
    private readonly TimeProvider _time;
    private readonly (ServiceBusReceiver Receiver, ServiceBusSender Requeue)[] _queues;
    private volatile bool _failing;

    /// <summary>Creates the receiver for node <paramref name="nodeId"/>.</summary>
    public ServiceBusCommandReceiver(
        ServiceBusClient client, string nodeId, MediaTransportOptions options, CommandProcessorFactory processors, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(processors);
        ArgumentNullException.ThrowIfNull(time);
        var names = options.QueueNames();
        _processors = processors;
        _options = options;
        _time = time;
        NodeId = nodeId;
        var receiverOptions = new ServiceBusReceiverOptions { ReceiveMode = ServiceBusReceiveMode.PeekLock, PrefetchCount = 0 };
        // Own queue first: follow-ups of calls already here matter more than taking new ones.
        _queues = [.. new[] { names.ForNode(nodeId), names.NewCalls }
            .Select(queue => (client.CreateReceiver(queue, receiverOptions), client.CreateSender(queue)))];
    }

    /// <inheritdoc />
    public string NodeId { get; }

    /// <inheritdoc />
    public bool CanReceive => !_failing;

    /// <inheritdoc />
    public async Task<int> ReceiveOnceAsync(ICommandHandler handler, CancellationToken cancellationToken)
    {
        var processor = _processors.Create(handler);
        var count = 0;
        for (var i = 0; i < _queues.Length; i++)
        {
            var (receiver, requeue) = _queues[i];
            // _queues[1] is the new-calls queue: a full or draining node leaves new calls to nodes with room.
            var max = i == 0 ? _options.BatchSize : Math.Min(handler.NewCallRoom, _options.BatchSize);
            if (max <= 0)
            {
                continue;
            }

            var messages = await receiver.ReceiveMessagesAsync(max, _options.PollInterval, cancellationToken);
            // The batch is handled one message at a time: keep every lock alive until its message is settled.
            await using var locks = new LockRenewal(receiver, messages, _time, _processors.Logger);
            foreach (var message in messages)
            {
                await processor.TryProcessAsync(new ServiceBusDelivery(receiver, requeue, message, _time, locks), cancellationToken);
            }

            count += messages.Count;
        }

        return count;
    }

    /// <inheritdoc />
    public Task RunAsync(ICommandHandler handler, CancellationToken cancellationToken) =>
        // ReceiveMessagesAsync long-polls for up to PollInterval, so an empty round needs no extra idle wait.
        ReceiveLoop.RunAsync(
            async ct =>
            {
                try
                {
                    var received = await ReceiveOnceAsync(handler, ct);
                    _failing = false;
                    return received;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    _failing = true;
                    throw;
                }
            },
            _options.PollInterval,
            idleWhenEmpty: false,
            _time,
            _processors.Logger,
            cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var (receiver, requeue) in _queues)
        {
            await receiver.DisposeAsync();
            await requeue.DisposeAsync();
        }
    }
}
