using Azure.Storage.Queues;
using Serverless.Shared.Media;
using Serverless.Shared.Transport;
using Serverless.Shared.Transport.StorageQueues;

namespace Serverless.Shared.Tests.Transport;

/// <summary>
/// The Storage Queue adapter against a real Azurite. Waits are on handler events or on queue state, always with a
/// timeout; visibility timeouts and delays are short so redelivery happens within seconds.
/// </summary>
[Trait("Category", "Azurite")]
public sealed class StorageQueueAzuriteTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly string _prefix = Azurite.UniquePrefix();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _running = [];
    private MediaTransportOptions _options = null!;
    private QueueServiceClient _service = null!;
    private StorageQueueClients _queues = null!;
    private StorageQueueCommandSender _sender = null!;

    public async Task InitializeAsync()
    {
        _service = await Azurite.ConnectAsync();
        _options = new MediaTransportOptions
        {
            Kind = TransportKind.StorageQueues,
            ConnectionString = Azurite.ConnectionString,
            NewCallsQueue = _prefix + "-new",
            NodeQueuePrefix = _prefix + "-n-",
            MaxAttempts = 3,
            VisibilityTimeout = TimeSpan.FromSeconds(2),
            RetryDelay = TimeSpan.FromSeconds(1),
            HoldBackDelay = TimeSpan.FromMilliseconds(200),
            MaxHoldTime = TimeSpan.FromMinutes(1),
            PollInterval = TimeSpan.FromMilliseconds(100),
        };
        _queues = new StorageQueueClients(_service);
        _sender = new StorageQueueCommandSender(_queues, _options.QueueNames());
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_running);
        await foreach (var queue in _service.GetQueuesAsync(prefix: _prefix))
        {
            await _service.DeleteQueueAsync(queue.Name);
        }
    }

    public void Dispose() => _stop.Dispose();

    private void Run(string nodeId, ICommandHandler handler)
    {
        var receiver = new StorageQueueCommandReceiver(
            _queues, nodeId, _options,
            new CommandProcessorFactory(new InMemoryIdempotencyStore(TimeProvider.System), new CallSequenceGate(), _options, TimeProvider.System),
            TimeProvider.System);
        _running.Add(receiver.RunAsync(handler, _stop.Token));
    }

    private async Task<int> ApproximateCountAsync(string queue) =>
        (await _service.GetQueueClient(queue).GetPropertiesAsync()).Value.ApproximateMessagesCount;

    /// <summary>Polls queue state (Azurite cannot push) until it holds, or fails after the timeout.</summary>
    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (!await condition())
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Not within {Timeout}: {what}");
            }
        }
    }

    [Fact]
    public async Task A_node_without_room_leaves_new_calls_to_a_node_with_room_and_takes_its_own_follow_ups()
    {
        using var full = new RecordingHandler { NewCallRoom = 0 };
        using var roomy = new RecordingHandler();
        Run("node-full", full);
        Run("node-roomy", roomy);
        var at = DateTimeOffset.UtcNow;

        for (var i = 0; i < 6; i++)
        {
            await _sender.SendAsync(Commands.Start("c" + i, at));
        }

        // A follow-up on the full node's own queue (sequence 0: nothing to wait for) is still taken.
        await _sender.SendAsync(Commands.End("x", "node-full", at, 0));
        await roomy.WaitUntilAsync(h => h.Handled.Count == 6, Timeout);
        await full.WaitUntilAsync(h => h.Handled.Count == 1, Timeout);

        // The full node never received a start, so no start had a delivery attempt counted against it there.
        Assert.Equal(1, full.TotalAttempts);
        Assert.IsType<Hangup>(Assert.Single(full.Handled));
        Assert.All(roomy.Handled, c => Assert.Equal(1, roomy.Attempts(c.MessageId)));
    }

    [Fact]
    public async Task Queues_deleted_under_a_running_node_are_created_again_and_commands_flow()
    {
        using var handler = new RecordingHandler();
        var receiver = new StorageQueueCommandReceiver(
            _queues, "node-a", _options,
            new CommandProcessorFactory(new InMemoryIdempotencyStore(TimeProvider.System), new CallSequenceGate(), _options, TimeProvider.System),
            TimeProvider.System);
        _running.Add(receiver.RunAsync(handler, _stop.Token));
        var at = DateTimeOffset.UtcNow;
        await _sender.SendAsync(Commands.Start("c1", at));
        await handler.WaitUntilAsync(h => h.Handled.Count == 1, Timeout);

        // Storage comes back empty: both queues are gone while the node and the sender hold their clients.
        await _service.DeleteQueueAsync(_options.NewCallsQueue);
        await _service.DeleteQueueAsync(_options.QueueNames().ForNode("node-a"));
        await _sender.SendAsync(Commands.Start("c2", at));
        await _sender.SendAsync(Commands.End("c1", "node-a", at, 1));

        await handler.WaitUntilAsync(h => h.Handled.Count == 3, Timeout);
        Assert.True(receiver.CanReceive);
    }

    [Fact]
    public async Task Message_on_the_wire_is_base64_of_the_command_json()
    {
        var command = Commands.Start("c1", DateTimeOffset.UtcNow);
        await _sender.SendAsync(command);

        // A client without Base64 decoding sees the raw text the service stores.
        var raw = new QueueClient(Azurite.ConnectionString, _options.NewCallsQueue);
        var peeked = (await raw.PeekMessageAsync()).Value;

        var json = Convert.FromBase64String(peeked.Body.ToString());
        Assert.True(MediaMessageSerializer.TryDeserialize<MediaCommand>(json, out var back, out _));
        Assert.Equal(command.MessageId, back.MessageId);
    }

    [Fact]
    public async Task Commands_of_one_call_are_handled_in_sequence_order_even_when_enqueued_reversed()
    {
        using var handler = new RecordingHandler();
        var at = DateTimeOffset.UtcNow;
        Run("node-a", handler);
        await _sender.SendAsync(Commands.Start("c1", at));
        await handler.WaitUntilAsync(h => h.Handled.Count == 1, Timeout);

        // Reversed on purpose: a FIFO-ish queue hands the Hangup over first.
        await _sender.SendAsync(Commands.End("c1", "node-a", at, 3));
        await _sender.SendAsync(Commands.Tone("c1", "node-a", at, 2));
        await _sender.SendAsync(Commands.Answer("c1", "node-a", at, 1));
        await handler.WaitUntilAsync(h => h.Handled.Count == 4, Timeout);

        Assert.Equal([0L, 1L, 2L, 3L], handler.Handled.Select(c => c.Sequence));
        Assert.Equal(4, handler.TotalAttempts);
    }

    [Fact]
    public async Task Handler_failing_once_gets_the_command_redelivered_and_a_duplicate_send_still_runs_it_once()
    {
        using var handler = new RecordingHandler { FailWhen = (_, attempt) => attempt == 1 };
        var command = Commands.Start("c1", DateTimeOffset.UtcNow);
        await _sender.SendAsync(command);
        await _sender.SendAsync(command);
        Run("node-a", handler);

        await handler.WaitUntilAsync(h => h.Handled.Count == 1, Timeout);
        await EventuallyAsync(async () => await ApproximateCountAsync(_options.NewCallsQueue) == 0, "both copies settled");

        Assert.Equal(2, handler.Attempts(command.MessageId));
        Assert.Equal(command.MessageId, Assert.Single(handler.Handled).MessageId);
        // Nothing was poisoned, so the poison queue was never even created.
        Assert.False((await _service.GetQueueClient(CommandQueueNames.PoisonOf(_options.NewCallsQueue)).ExistsAsync()).Value);
    }

    [Fact]
    public async Task Command_failing_MaxAttempts_times_is_moved_to_the_poison_queue_readable_and_not_lost()
    {
        using var handler = new RecordingHandler { FailWhen = (_, _) => true };
        var command = Commands.Answer("c1", "node-a", DateTimeOffset.UtcNow, 1);
        var poisonQueue = CommandQueueNames.PoisonOf(_options.NodeQueuePrefix + "node-a");
        await _sender.SendAsync(command);
        Run("node-a", handler);

        await handler.WaitUntilAsync(h => h.Attempts(command.MessageId) == _options.MaxAttempts, Timeout);
        await EventuallyAsync(
            async () => await _service.GetQueueClient(poisonQueue).ExistsAsync() && await ApproximateCountAsync(poisonQueue) == 1,
            "the command reached the poison queue");

        var poison = await _queues.GetAsync(poisonQueue, CancellationToken.None);
        var parked = (await poison.PeekMessageAsync()).Value;
        Assert.True(MediaMessageSerializer.TryDeserialize<MediaCommand>(parked.Body.ToMemory().Span, out var back, out _));
        Assert.Equal(command, back);
        Assert.Equal(0, await ApproximateCountAsync(_options.NodeQueuePrefix + "node-a"));
        Assert.Equal(_options.MaxAttempts, handler.Attempts(command.MessageId));
    }

    [Fact]
    public async Task Two_nodes_compete_for_new_calls_and_each_call_runs_once()
    {
        using var nodeA = new RecordingHandler();
        using var nodeB = new RecordingHandler();
        Run("node-a", nodeA);
        Run("node-b", nodeB);
        var calls = Enumerable.Range(0, 6).Select(i => Commands.Start($"c{i}", DateTimeOffset.UtcNow)).ToList();

        foreach (var call in calls)
        {
            await _sender.SendAsync(call);
        }

        await EventuallyAsync(() => Task.FromResult(nodeA.Handled.Count + nodeB.Handled.Count == calls.Count), "all calls handled");
        await EventuallyAsync(async () => await ApproximateCountAsync(_options.NewCallsQueue) == 0, "queue drained");

        Assert.Equal(
            calls.Select(c => c.MessageId).Order(),
            nodeA.Handled.Concat(nodeB.Handled).Select(c => c.MessageId).Order());
    }
}
