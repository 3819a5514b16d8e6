namespace Serverless.Shared.Transport.InMemory;

/// <summary>
/// <see cref="ICommandReceiver"/> over an <see cref="InMemoryCommandBus"/>: drains the node's own queue and the
/// shared new-calls queue, one message at a time, through the shared <see cref="CommandProcessor"/> policy.
/// </summary>
public sealed class InMemoryCommandReceiver : ICommandReceiver
{
    private readonly InMemoryCommandBus _bus;
    private readonly CommandProcessorFactory _processors;
    private readonly string _nodeQueue;
    private readonly string _newCallsQueue;
    private readonly int _batchSize;
    private readonly TimeSpan _roomRecheck;

    /// <summary>Creates the receiver for node <paramref name="nodeId"/>.</summary>
    public InMemoryCommandReceiver(InMemoryCommandBus bus, string nodeId, MediaTransportOptions options, CommandProcessorFactory processors)
    {
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(processors);
        var names = options.QueueNames();
        _bus = bus;
        _processors = processors;
        NodeId = nodeId;
        _nodeQueue = names.ForNode(nodeId);
        _newCallsQueue = names.NewCalls;
        _batchSize = options.BatchSize;
        _roomRecheck = options.ActivePollInterval;
    }

    /// <inheritdoc />
    public string NodeId { get; }

    /// <inheritdoc />
    public async Task<int> ReceiveOnceAsync(ICommandHandler handler, CancellationToken cancellationToken)
    {
        var processor = _processors.Create(handler);
        // Own queue first: follow-ups of calls already here matter more than taking new ones.
        // A full or draining node leaves new calls to nodes with room.
        return await DrainAsync(processor, _nodeQueue, _batchSize, cancellationToken)
            + await DrainAsync(processor, _newCallsQueue, Math.Min(handler.NewCallRoom, _batchSize), cancellationToken);
    }

    /// <inheritdoc />
    public async Task RunAsync(ICommandHandler handler, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (await ReceiveOnceAsync(handler, cancellationToken) > 0)
                {
                    continue;
                }

                // Nothing ready: wait until either queue has something (no polling needed in memory). The losing
                // wait is cancelled so waiters do not pile up on a quiet queue.
                // Without room, new calls waiting is no reason to wake: recheck the room each poll interval instead.
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                await Task.WhenAny(
                    _bus.Reader(_nodeQueue).WaitToReadAsync(wait.Token).AsTask(),
                    handler.NewCallRoom > 0
                        ? (Task)_bus.Reader(_newCallsQueue).WaitToReadAsync(wait.Token).AsTask()
                        : Task.Delay(_roomRecheck, wait.Token));
                await wait.CancelAsync();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutdown: an unsettled message reappears after its lock or visibility timeout.
        }
    }

    private async Task<int> DrainAsync(CommandProcessor processor, string queue, int max, CancellationToken cancellationToken)
    {
        var reader = _bus.Reader(queue);
        var count = 0;
        while (count < max && reader.TryRead(out var message))
        {
            await processor.TryProcessAsync(new InMemoryDelivery(_bus, queue, message), cancellationToken);
            count++;
        }

        return count;
    }
}
