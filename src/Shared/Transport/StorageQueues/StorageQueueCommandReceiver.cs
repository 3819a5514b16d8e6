namespace Serverless.Shared.Transport.StorageQueues;

/// <summary>
/// <see cref="ICommandReceiver"/> over Azure Storage Queues: polls the node's own queue and the shared new-calls
/// queue (every <see cref="MediaTransportOptions.ActivePollInterval"/> while active, backing off to
/// <see cref="MediaTransportOptions.PollInterval"/> when idle: <see cref="AdaptivePoll"/>), and processes each batch one message at a time (so BatchSize × handler time must stay well below the
/// visibility timeout). Order within a call is kept by the processor's <see cref="CallSequenceGate"/>, not by the
/// queue, which is only roughly FIFO.
/// </summary>
public sealed class StorageQueueCommandReceiver : ICommandReceiver
{
    private readonly StorageQueueClients _queues;
    private readonly CommandProcessorFactory _processors;
    private readonly MediaTransportOptions _options;
    private readonly TimeProvider _time;
    private readonly string _nodeQueue;
    private readonly string _newCallsQueue;
    private readonly CommandWake _wake;
    private volatile bool _failing;

    /// <summary>Creates the receiver for node <paramref name="nodeId"/>.</summary>
    public StorageQueueCommandReceiver(
        StorageQueueClients queues, string nodeId, MediaTransportOptions options, CommandProcessorFactory processors, TimeProvider time, CommandWake? wake = null)
    {
        ArgumentNullException.ThrowIfNull(queues);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(processors);
        ArgumentNullException.ThrowIfNull(time);
        var names = options.QueueNames();
        _queues = queues;
        _processors = processors;
        _options = options;
        _time = time;
        _wake = wake ?? new CommandWake();
        NodeId = nodeId;
        _nodeQueue = names.ForNode(nodeId);
        _newCallsQueue = names.NewCalls;
    }

    /// <inheritdoc />
    public string NodeId { get; }

    /// <inheritdoc />
    public bool CanReceive => !_failing;

    /// <inheritdoc />
    public async Task<int> ReceiveOnceAsync(ICommandHandler handler, CancellationToken cancellationToken)
    {
        var processor = _processors.Create(handler);
        // Both queues are asked at once (one round trip of waiting, not two: a new call's start waits for the round).
        // New calls only as many as there is room for: a full or draining node leaves them (still visible, not
        // dequeued) to the other nodes. Own queue first: follow-ups of calls already here matter more.
        var room = Math.Min(handler.NewCallRoom, _options.BatchSize);
        var own = FetchAsync(_nodeQueue, _options.BatchSize, cancellationToken);
        var fresh = room > 0 ? FetchAsync(_newCallsQueue, room, cancellationToken) : Task.FromResult(Fetched.None);
        // A failure is rethrown below, after what the other queue gave is processed: its dequeued messages must
        // not sit invisible for a whole visibility timeout.
        await Task.WhenAll(new Task[] { own, fresh }).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

        var received = 0;
        foreach (var fetched in new[] { own, fresh })
        {
            if (fetched.IsCompletedSuccessfully)
            {
                received += await ProcessAsync(processor, fetched.Result, cancellationToken);
            }
        }

        var failed = own.IsFaulted || own.IsCanceled ? own : fresh;
        if (failed.IsFaulted || failed.IsCanceled)
        {
            await failed;
        }

        return received;
    }

    /// <inheritdoc />
    public Task RunAsync(ICommandHandler handler, CancellationToken cancellationToken)
    {
        var poll = new AdaptivePoll(_options, _time);
        // Wakes seen before the round's receive: one that comes during the round starts the next round at once.
        long seen = 0;
        return ReceiveLoop.RunAsync(
            async ct =>
            {
                try
                {
                    seen = _wake.Count;
                    var received = await ReceiveOnceAsync(handler, ct);
                    _failing = false;
                    poll.Received(received);
                    return received;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    _failing = true;
                    throw;
                }
            },
            _options.PollInterval,
            idleWhenEmpty: true,
            _time,
            _processors.Logger,
            cancellationToken,
            poll.NextWait,
            (wait, ct) => _wake.WaitAsync(seen, wait, _time, ct));
    }

    private async Task<Fetched> FetchAsync(string queueName, int maxMessages, CancellationToken cancellationToken)
    {
        var queue = await _queues.GetAsync(queueName, cancellationToken);
        try
        {
            return new Fetched(queue, (await queue.ReceiveMessagesAsync(maxMessages, _options.VisibilityTimeout, cancellationToken)).Value);
        }
        catch (Azure.RequestFailedException ex) when (_queues.ForgetIfMissing(queueName, ex))
        {
            // Storage came back empty: the next round creates the queue again (nothing was in it to lose here).
            return Fetched.None;
        }
    }

    private async Task<int> ProcessAsync(CommandProcessor processor, Fetched fetched, CancellationToken cancellationToken)
    {
        // Every message of the batch is renewed from now on (those waiting behind a slow one too) until it is settled.
        var deliveries = fetched.Messages
            .Select(m => new StorageQueueDelivery(fetched.Queue!, m, _queues, _options.VisibilityTimeout, _time, _processors.Logger))
            .ToList();
        var deferred = new HashSet<StorageQueueDelivery>();
        try
        {
            foreach (var delivery in deliveries)
            {
                if (await processor.TryProcessAsync(delivery, cancellationToken) == CommandOutcome.AwaitingHandover)
                {
                    // Its settlement, once the reply is handed over, ends the renewal.
                    deferred.Add(delivery);
                }
            }
        }
        finally
        {
            foreach (var delivery in deliveries.Where(d => !deferred.Contains(d)))
            {
                // Settled, or left unsettled by a failure or a stop: either way this node no longer keeps it.
                delivery.Dispose();
            }
        }

        return fetched.Messages.Length;
    }

    private sealed record Fetched(Azure.Storage.Queues.QueueClient? Queue, Azure.Storage.Queues.Models.QueueMessage[] Messages)
    {
        public static readonly Fetched None = new(null, []);
    }
}
