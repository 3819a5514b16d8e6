using Serverless.Shared.Media;
using Serverless.Shared.Transport;

namespace Serverless.Shared.Tests.Transport;

/// <summary>
/// The transport contract every broker-backed adapter must keep, run once per transport by the derived classes
/// (Storage Queues on Azurite, Service Bus on the test broker) against a real service over the network. Waits are
/// on handler events or on queue state, always with a timeout.
/// </summary>
public abstract class TransportContractTests : IAsyncLifetime, IDisposable
{
    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _running = [];

    protected string Prefix { get; } = Azurite.UniquePrefix();

    protected MediaTransportOptions Options { get; private set; } = null!;

    protected ICommandSender Sender { get; private set; } = null!;

    protected CancellationToken Stopping => _stop.Token;

    /// <summary>The transport's options for this test (fresh queue names, short delays).</summary>
    protected MediaTransportOptions BaseOptions(TransportKind kind, string connectionString) => new()
    {
        Kind = kind,
        ConnectionString = connectionString,
        NewCallsQueue = Prefix + "-new",
        NodeQueuePrefix = Prefix + "-n-",
        MaxAttempts = 3,
        VisibilityTimeout = TimeSpan.FromSeconds(2),
        RetryDelay = TimeSpan.FromSeconds(1),
        HoldBackDelay = TimeSpan.FromMilliseconds(200),
        MaxHoldTime = TimeSpan.FromMinutes(1),
        PollInterval = TimeSpan.FromMilliseconds(100),
    };

    /// <summary>Connects to the service and returns the options to run with.</summary>
    protected abstract Task<MediaTransportOptions> ConnectAsync();

    protected abstract ICommandSender CreateSender();

    protected abstract ICommandReceiver CreateReceiver(string nodeId, TimeProvider time);

    /// <summary>Messages in <paramref name="queue"/> not yet settled (visible or not).</summary>
    protected abstract Task<int> CountAsync(string queue);

    /// <summary>The commands moved aside (poison / dead-letter queue) from <paramref name="queue"/>.</summary>
    protected abstract Task<IReadOnlyList<MediaCommand>> DeadLetteredAsync(string queue);

    protected abstract Task CleanupAsync();

    public async Task InitializeAsync()
    {
        Options = await ConnectAsync();
        Sender = CreateSender();
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_running);
        await CleanupAsync();
    }

    public void Dispose()
    {
        _stop.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Stops <paramref name="running"/> (a receiver's loop started by the test) with the others at the end.</summary>
    protected void Track(Task running) => _running.Add(running);

    protected void Run(string nodeId, ICommandHandler handler, TimeProvider? time = null) =>
        _running.Add(CreateReceiver(nodeId, time ?? TimeProvider.System).RunAsync(handler, _stop.Token));

    protected CommandProcessorFactory Processors(TimeProvider time) =>
        new(new InMemoryIdempotencyStore(time), new CallSequenceGate(), Options, time);

    /// <summary>Polls queue state (a broker cannot push it) until it holds, or fails after the timeout.</summary>
    protected static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
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
    public async Task Commands_of_one_call_are_handled_in_sequence_order_even_when_enqueued_reversed()
    {
        using var handler = new RecordingHandler();
        var at = DateTimeOffset.UtcNow;
        Run("node-a", handler);
        await Sender.SendAsync(Commands.Start("c1", at));
        await handler.WaitUntilAsync(h => h.Handled.Count == 1, Timeout);

        // Reversed on purpose: a FIFO-ish queue hands the Hangup over first.
        await Sender.SendAsync(Commands.End("c1", "node-a", at, 3));
        await Sender.SendAsync(Commands.Tone("c1", "node-a", at, 2));
        await Sender.SendAsync(Commands.Answer("c1", "node-a", at, 1));
        await handler.WaitUntilAsync(h => h.Handled.Count == 4, Timeout);

        Assert.Equal([0L, 1L, 2L, 3L], handler.Handled.Select(c => c.Sequence));
        Assert.Equal(4, handler.TotalAttempts);
        await EventuallyAsync(async () => await CountAsync(Options.NodeQueuePrefix + "node-a") == 0, "node queue drained");
    }

    [Fact]
    public async Task A_start_is_taken_at_once_while_the_node_queue_waits_out_a_long_poll()
    {
        // A poll that would hold a sequential round for ten minutes on the empty node queue: the new-calls queue must
        // be asked at the same time, so the start is handled well within the test's wait.
        Options.PollInterval = TimeSpan.FromMinutes(10);
        using var handler = new RecordingHandler();
        Run("node-a", handler);
        var start = Commands.Start("c1", DateTimeOffset.UtcNow);

        await Sender.SendAsync(start);
        await handler.WaitUntilAsync(h => h.Handled.Count == 1, Timeout);

        Assert.Equal(start.MessageId, Assert.Single(handler.Handled).MessageId);
    }

    [Fact]
    public async Task A_command_held_by_a_node_that_stops_mid_handling_is_redelivered_to_another_node()
    {
        var stuck = new StuckHandler();
        using var stopFirst = CancellationTokenSource.CreateLinkedTokenSource(Stopping);
        var first = CreateReceiver("node-a", TimeProvider.System).RunAsync(stuck, stopFirst.Token);
        Track(first);
        var start = Commands.Start("c1", DateTimeOffset.UtcNow);
        await Sender.SendAsync(start);
        await stuck.Started.Task.WaitAsync(Timeout);

        // The node dies with the command taken and not settled: nothing renews its lock (or visibility) any more.
        await stopFirst.CancelAsync();
        await first.WaitAsync(Timeout);
        using var handler = new RecordingHandler();
        Run("node-b", handler);
        await handler.WaitUntilAsync(h => h.Handled.Count == 1, Timeout);

        Assert.Equal(start.MessageId, Assert.Single(handler.Handled).MessageId);
        await EventuallyAsync(async () => await CountAsync(Options.NewCallsQueue) == 0, "the redelivered start settled");
        Assert.Empty(await DeadLetteredAsync(Options.NewCallsQueue));
    }

    [Fact]
    public async Task Handler_failing_once_gets_the_command_redelivered_and_a_duplicate_send_still_runs_it_once()
    {
        using var handler = new RecordingHandler { FailWhen = (_, attempt) => attempt == 1 };
        var command = Commands.Start("c1", DateTimeOffset.UtcNow);
        await Sender.SendAsync(command);
        await Sender.SendAsync(command);
        Run("node-a", handler);

        await handler.WaitUntilAsync(h => h.Handled.Count == 1, Timeout);
        await EventuallyAsync(async () => await CountAsync(Options.NewCallsQueue) == 0, "every copy settled");

        Assert.Equal(2, handler.Attempts(command.MessageId));
        Assert.Equal(command.MessageId, Assert.Single(handler.Handled).MessageId);
        Assert.Empty(await DeadLetteredAsync(Options.NewCallsQueue));
    }

    [Fact]
    public async Task Command_failing_MaxAttempts_times_is_dead_lettered_readable_and_not_lost()
    {
        using var handler = new RecordingHandler { FailWhen = (_, _) => true };
        var command = Commands.Answer("c1", "node-a", DateTimeOffset.UtcNow, 1);
        var nodeQueue = Options.NodeQueuePrefix + "node-a";
        await Sender.SendAsync(command);
        Run("node-a", handler);

        await handler.WaitUntilAsync(h => h.Attempts(command.MessageId) == Options.MaxAttempts, Timeout);
        await EventuallyAsync(async () => await CountAsync(nodeQueue) == 0, "the command left the node queue");

        Assert.Equal(command, Assert.Single(await DeadLetteredAsync(nodeQueue)));
        Assert.Equal(Options.MaxAttempts, handler.Attempts(command.MessageId));
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
            await Sender.SendAsync(call);
        }

        await EventuallyAsync(() => Task.FromResult(nodeA.Handled.Count + nodeB.Handled.Count == calls.Count), "all calls handled");
        await EventuallyAsync(async () => await CountAsync(Options.NewCallsQueue) == 0, "queue drained");

        Assert.Equal(
            calls.Select(c => c.MessageId).Order(),
            nodeA.Handled.Concat(nodeB.Handled).Select(c => c.MessageId).Order());
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
            await Sender.SendAsync(Commands.Start("c" + i, at));
        }

        // A follow-up on the full node's own queue (sequence 0: nothing to wait for) is still taken.
        await Sender.SendAsync(Commands.End("x", "node-full", at, 0));
        await roomy.WaitUntilAsync(h => h.Handled.Count == 6, Timeout);
        await full.WaitUntilAsync(h => h.Handled.Count == 1, Timeout);

        // The full node never received a start, so no start had a delivery attempt counted against it there.
        Assert.Equal(1, full.TotalAttempts);
        Assert.IsType<Hangup>(Assert.Single(full.Handled));
        Assert.All(roomy.Handled, c => Assert.Equal(1, roomy.Attempts(c.MessageId)));
    }

    [Fact]
    public async Task A_start_is_completed_only_once_its_reply_is_handed_over_and_no_other_node_runs_it_meanwhile()
    {
        var held = new ReplyHoldingHandler("c1");
        Run("node-a", held);
        var start = Commands.Start("c1", DateTimeOffset.UtcNow);
        await Sender.SendAsync(start);
        await held.Started.Task.WaitAsync(Timeout);
        using var other = new RecordingHandler();
        Run("node-b", other);

        // The queue is read meanwhile (a later start is taken and settled by one of the nodes), but the first stays
        // taken: not completed, and not handed to the other node.
        await Sender.SendAsync(Commands.Start("c2", DateTimeOffset.UtcNow));
        await EventuallyAsync(() => Task.FromResult(held.Handled.Concat(other.Handled).Any(c => c.CallId == "c2")), "the later start handled");
        await EventuallyAsync(async () => await CountAsync(Options.NewCallsQueue) == 1, "only the held start left");
        Assert.DoesNotContain(other.Handled, c => c.CallId == "c1");

        held.Reply.SetResult(true);
        await EventuallyAsync(async () => await CountAsync(Options.NewCallsQueue) == 0, "the start completed after its hand-over");
        Assert.DoesNotContain(other.Handled, c => c.CallId == "c1");
        Assert.Single(held.Handled, c => c.CallId == "c1");
    }

    [Fact]
    public async Task A_start_whose_reply_was_not_handed_over_when_its_node_stopped_is_taken_by_another_node()
    {
        var held = new ReplyHoldingHandler("c1");
        using var stopFirst = CancellationTokenSource.CreateLinkedTokenSource(Stopping);
        var first = CreateReceiver("node-a", TimeProvider.System).RunAsync(held, stopFirst.Token);
        Track(first);
        var start = Commands.Start("c1", DateTimeOffset.UtcNow);
        await Sender.SendAsync(start);
        await held.Started.Task.WaitAsync(Timeout);

        // The node stops; its event dispatcher, stopping last, gives up the undelivered reply.
        await stopFirst.CancelAsync();
        await first.WaitAsync(Timeout);
        Assert.Equal(1, await CountAsync(Options.NewCallsQueue));
        held.Reply.SetResult(false);
        using var handler = new RecordingHandler();
        Run("node-b", handler);

        await handler.WaitUntilAsync(h => h.Handled.Count == 1, Timeout);
        Assert.Equal(start.MessageId, Assert.Single(handler.Handled).MessageId);
        await EventuallyAsync(async () => await CountAsync(Options.NewCallsQueue) == 0, "the start settled by the other node");
        Assert.Empty(await DeadLetteredAsync(Options.NewCallsQueue));
    }

    /// <summary>Handles every command; the reply to the start of <paramref name="callId"/> is handed over when the test says.</summary>
    protected sealed class ReplyHoldingHandler(string callId) : ICommandHandler
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<MediaCommand> _handled = new();

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<bool> Reply { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IReadOnlyList<MediaCommand> Handled => [.. _handled];

        public Task HandleAsync(MediaCommand command, CancellationToken cancellationToken)
        {
            _handled.Enqueue(command);
            if (command.StartsCall && command.CallId == callId)
            {
                Started.TrySetResult();
            }

            return Task.CompletedTask;
        }

        public Task<bool>? Handover(MediaCommand command) => command.StartsCall && command.CallId == callId ? Reply.Task : null;
    }

    /// <summary>A handler that never finishes a command until its node stops (a node that dies mid-handling).</summary>
    private sealed class StuckHandler : ICommandHandler
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task HandleAsync(MediaCommand command, CancellationToken cancellationToken)
        {
            Started.TrySetResult();
            await Task.Delay(System.Threading.Timeout.Infinite, cancellationToken);
        }
    }
}
