using Azure.Messaging.ServiceBus;

namespace Serverless.Shared.Transport.ServiceBus;

/// <summary>
/// <see cref="ICommandReceiver"/> over Azure Service Bus: peek-lock receivers on the node's own queue and on the
/// shared new-calls queue (competing consumers), each message settled by the shared <see cref="CommandProcessor"/>,
/// its lock renewed while it waits or runs (<see cref="LockRenewal"/>). The two queues are long-polled at once, each
/// by its own loop, so a new call's start never waits for the node queue's poll to time out (nor a follow-up for the
/// new-calls queue's); messages are still handled one at a time.
/// </summary>
public sealed class ServiceBusCommandReceiver : ICommandReceiver, IAsyncDisposable
{
    private readonly CommandProcessorFactory _processors;
    private readonly MediaTransportOptions _options;
    private readonly TimeProvider _time;
    private readonly Queue _own;
    private readonly Queue _newCalls;

    // One message at a time across both queues (the handler and the sequence gate expect it); a batch received while
    // another is handled waits here with its locks renewed.
    private readonly SemaphoreSlim _handling = new(1, 1);

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
        _own = new Queue(client.CreateReceiver(names.ForNode(nodeId), receiverOptions), client.CreateSender(names.ForNode(nodeId)), isNewCalls: false);
        _newCalls = new Queue(client.CreateReceiver(names.NewCalls, receiverOptions), client.CreateSender(names.NewCalls), isNewCalls: true);
    }

    /// <inheritdoc />
    public string NodeId { get; }

    /// <inheritdoc />
    public bool CanReceive => !_own.Failing && !_newCalls.Failing;

    /// <inheritdoc />
    public async Task<int> ReceiveOnceAsync(ICommandHandler handler, CancellationToken cancellationToken)
    {
        var processor = _processors.Create(handler);
        var own = ReceiveRoundAsync(_own, processor, handler, cancellationToken);
        var fresh = ReceiveRoundAsync(_newCalls, processor, handler, cancellationToken);
        // Both rounds finish (what one received is handled) before the other's failure is rethrown.
        await ((Task)Task.WhenAll(own, fresh)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return await own + await fresh;
    }

    /// <inheritdoc />
    public Task RunAsync(ICommandHandler handler, CancellationToken cancellationToken)
    {
        var processor = _processors.Create(handler);
        return Task.WhenAll(RunQueueAsync(_own), RunQueueAsync(_newCalls));

        // ReceiveMessagesAsync long-polls for up to PollInterval, so an empty round needs no extra idle wait.
        Task RunQueueAsync(Queue queue) => ReceiveLoop.RunAsync(
            async ct =>
            {
                if (queue.IsNewCalls && NewCallsMax(handler) <= 0)
                {
                    // No room: nothing to ask for; look again after a poll's time instead of spinning.
                    await Task.Delay(_options.PollInterval, _time, ct);
                    return 0;
                }

                try
                {
                    var received = await ReceiveRoundAsync(queue, processor, handler, ct);
                    queue.Failing = false;
                    return received;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    queue.Failing = true;
                    throw;
                }
            },
            _options.PollInterval,
            idleWhenEmpty: false,
            _time,
            _processors.Logger,
            cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var queue in new[] { _own, _newCalls })
        {
            await queue.Receiver.DisposeAsync();
            await queue.Requeue.DisposeAsync();
        }

        _handling.Dispose();
    }

    // A full or draining node leaves new calls to nodes with room; its own queue it keeps reading.
    private int NewCallsMax(ICommandHandler handler) => Math.Min(handler.NewCallRoom, _options.BatchSize);

    private async Task<int> ReceiveRoundAsync(Queue queue, CommandProcessor processor, ICommandHandler handler, CancellationToken cancellationToken)
    {
        var max = queue.IsNewCalls ? NewCallsMax(handler) : _options.BatchSize;
        if (max <= 0)
        {
            return 0;
        }

        var messages = await queue.Receiver.ReceiveMessagesAsync(max, _options.PollInterval, cancellationToken);
        if (messages.Count == 0)
        {
            return 0;
        }

        // Handled one message at a time: keep every lock of the batch alive until its message is settled (a message
        // whose reply is still on its way keeps its lock renewed past the round, until its settlement).
        var locks = new LockRenewal(queue.Receiver, messages, _time, _processors.Logger);
        var awaitingHandover = new HashSet<ServiceBusReceivedMessage>();
        try
        {
            foreach (var message in messages)
            {
                await _handling.WaitAsync(cancellationToken);
                try
                {
                    var delivery = new ServiceBusDelivery(queue.Receiver, queue.Requeue, message, _time, locks);
                    if (await processor.TryProcessAsync(delivery, cancellationToken) == CommandOutcome.AwaitingHandover)
                    {
                        awaitingHandover.Add(message);
                    }
                }
                finally
                {
                    _handling.Release();
                }
            }
        }
        finally
        {
            locks.EndRound(awaitingHandover);
        }

        return messages.Count;
    }

    private sealed class Queue(ServiceBusReceiver receiver, ServiceBusSender requeue, bool isNewCalls)
    {
        private volatile bool _failing;

        public ServiceBusReceiver Receiver { get; } = receiver;

        /// <summary>Sends the requeued copies of held-back follow-ups (Service Bus schedules them).</summary>
        public ServiceBusSender Requeue { get; } = requeue;

        public bool IsNewCalls { get; } = isNewCalls;

        /// <summary>The last round on this queue failed (readiness reports it).</summary>
        public bool Failing
        {
            get => _failing;
            set => _failing = value;
        }
    }
}
