using Microsoft.Extensions.Time.Testing;
using Serverless.Shared.Media;
using Serverless.Shared.Transport;
using Serverless.Shared.Transport.InMemory;

namespace Serverless.Shared.Tests.Transport;

public sealed class InMemoryTransportTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 2, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly InMemoryCommandBus _bus;
    private readonly MediaTransportOptions _options = new()
    {
        Kind = TransportKind.InMemory,
        MaxAttempts = 3,
        RetryDelay = TimeSpan.FromSeconds(2),
        HoldBackDelay = TimeSpan.FromSeconds(1),
        MaxHoldTime = TimeSpan.FromMinutes(1),
    };

    private readonly InMemoryCommandSender _sender;

    public InMemoryTransportTests()
    {
        _bus = new InMemoryCommandBus(_time);
        _sender = new InMemoryCommandSender(_bus, _options.QueueNames());
    }

    public void Dispose() => _bus.Dispose();

    private InMemoryCommandReceiver Node(string nodeId, IIdempotencyStore? store = null, CallSequenceGate? gate = null) =>
        new(_bus, nodeId, _options, new CommandProcessorFactory(
            store ?? new InMemoryIdempotencyStore(_time), gate ?? new CallSequenceGate(), _options, _time));

    [Fact]
    public async Task Start_commands_go_to_the_shared_queue_and_follow_ups_to_the_owning_nodes_queue()
    {
        await _sender.SendAsync(Commands.Start("c1", Start));
        await _sender.SendAsync(Commands.Answer("c2", "node-a", Start));

        Assert.Equal(1, _bus.CountReady("commands-new"));
        Assert.Equal(1, _bus.CountReady("commands-node-a"));
    }

    [Fact]
    public async Task Follow_up_without_owning_node_is_refused()
    {
        var orphan = new ApplyAnswer { CallId = "c", CreatedAt = Start, Sdp = "v=0", Sequence = 1 };

        await Assert.ThrowsAsync<CommandRoutingException>(() => _sender.SendAsync(orphan));
    }

    [Fact]
    public async Task New_calls_are_competing_consumers_and_follow_ups_reach_only_their_node()
    {
        _options.BatchSize = 2;
        var nodeA = Node("node-a");
        var nodeB = Node("node-b");
        var handlerA = new RecordingHandler();
        var handlerB = new RecordingHandler();
        for (var i = 0; i < 4; i++)
        {
            await _sender.SendAsync(Commands.Start($"c{i}", Start));
        }

        await _sender.SendAsync(Commands.Answer("c9", "node-b", Start));

        await nodeA.ReceiveOnceAsync(handlerA, CancellationToken.None);
        await nodeB.ReceiveOnceAsync(handlerB, CancellationToken.None);

        Assert.Equal(2, handlerA.Handled.Count);
        Assert.All(handlerA.Handled, c => Assert.IsType<StartOutbound>(c));
        Assert.Equal(3, handlerB.Handled.Count);
        Assert.Contains(handlerB.Handled, c => c is ApplyAnswer { CallId: "c9" });
        Assert.Equal(4, handlerA.Handled.Concat(handlerB.Handled).OfType<StartOutbound>().Select(c => c.CallId).Distinct().Count());
    }

    [Fact]
    public async Task Failed_command_is_redelivered_after_the_retry_delay_and_then_handled()
    {
        var node = Node("node-a");
        var handler = new RecordingHandler { FailWhen = (_, attempt) => attempt == 1 };
        var command = Commands.Start("c1", Start);
        await _sender.SendAsync(command);

        Assert.Equal(1, await node.ReceiveOnceAsync(handler, CancellationToken.None));
        Assert.Empty(handler.Handled);
        _time.Advance(_options.RetryDelay - TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, await node.ReceiveOnceAsync(handler, CancellationToken.None));

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, await node.ReceiveOnceAsync(handler, CancellationToken.None));

        Assert.Equal(2, handler.Attempts(command.MessageId));
        Assert.Equal(command.MessageId, Assert.Single(handler.Handled).MessageId);
    }

    [Fact]
    public async Task Command_failing_every_attempt_is_dead_lettered_after_MaxAttempts_with_its_body_intact()
    {
        var node = Node("node-a");
        var handler = new RecordingHandler { FailWhen = (_, _) => true };
        var command = Commands.Start("c1", Start);
        await _sender.SendAsync(command);

        for (var attempt = 1; attempt <= _options.MaxAttempts; attempt++)
        {
            Assert.Equal(1, await node.ReceiveOnceAsync(handler, CancellationToken.None));
            _time.Advance(_options.RetryDelay);
        }

        Assert.Equal(0, await node.ReceiveOnceAsync(handler, CancellationToken.None));
        Assert.Equal(_options.MaxAttempts, handler.Attempts(command.MessageId));
        var poisoned = Assert.Single(_bus.DeadLettered("commands-new"));
        Assert.Equal(DeadLetterReason.MaxAttemptsExceeded, poisoned.Reason);
        Assert.Equal(_options.MaxAttempts, poisoned.DeliveryCount);
        Assert.Contains("planned failure", poisoned.Detail, StringComparison.Ordinal);
        Assert.True(MediaMessageSerializer.TryDeserialize<MediaCommand>(poisoned.Body.Span, out var back, out _));
        Assert.Equal(command.MessageId, back.MessageId);
    }

    [Fact]
    public async Task Same_command_sent_twice_runs_once()
    {
        var node = Node("node-a");
        var handler = new RecordingHandler();
        var command = Commands.Start("c1", Start);
        await _sender.SendAsync(command);
        await _sender.SendAsync(command);

        Assert.Equal(2, await node.ReceiveOnceAsync(handler, CancellationToken.None));

        Assert.Single(handler.Handled);
        Assert.Equal(1, handler.TotalAttempts);
    }

    [Fact]
    public async Task Follow_up_overtaking_its_predecessor_is_held_back_until_the_predecessor_ran()
    {
        var node = Node("node-a");
        var handler = new RecordingHandler();
        await _sender.SendAsync(Commands.Start("c1", Start));
        await node.ReceiveOnceAsync(handler, CancellationToken.None);

        await _sender.SendAsync(Commands.End("c1", "node-a", Start, 3));
        await _sender.SendAsync(Commands.Tone("c1", "node-a", Start, 2));
        await _sender.SendAsync(Commands.Answer("c1", "node-a", Start, 1));
        await node.ReceiveOnceAsync(handler, CancellationToken.None);
        Assert.Equal([0L, 1L], handler.Handled.Cast<MediaCommand>().Select(c => c.Sequence));

        _time.Advance(_options.HoldBackDelay);
        await node.ReceiveOnceAsync(handler, CancellationToken.None);
        _time.Advance(_options.HoldBackDelay);
        await node.ReceiveOnceAsync(handler, CancellationToken.None);

        Assert.Equal([0L, 1L, 2L, 3L], handler.Handled.Cast<MediaCommand>().Select(c => c.Sequence));
        Assert.Empty(_bus.DeadLettered("commands-node-a"));
    }

    [Fact]
    public async Task Follow_up_whose_predecessor_never_comes_is_dead_lettered_after_MaxHoldTime()
    {
        var node = Node("node-a");
        var handler = new RecordingHandler();
        await _sender.SendAsync(Commands.Start("c1", Start));
        await node.ReceiveOnceAsync(handler, CancellationToken.None);
        await _sender.SendAsync(Commands.Tone("c1", "node-a", Start, 2));

        await node.ReceiveOnceAsync(handler, CancellationToken.None);
        _time.Advance(_options.MaxHoldTime + _options.HoldBackDelay);
        await node.ReceiveOnceAsync(handler, CancellationToken.None);

        Assert.Single(handler.Handled);
        Assert.Equal(DeadLetterReason.PredecessorMissing, Assert.Single(_bus.DeadLettered("commands-node-a")).Reason);
    }

    [Fact]
    public async Task Dead_lettered_predecessor_does_not_block_its_successor()
    {
        var node = Node("node-a");
        var handler = new RecordingHandler { FailWhen = (c, _) => c is ApplyAnswer };
        await _sender.SendAsync(Commands.Start("c1", Start));
        await node.ReceiveOnceAsync(handler, CancellationToken.None);
        await _sender.SendAsync(Commands.Answer("c1", "node-a", Start, 1));
        await _sender.SendAsync(Commands.End("c1", "node-a", Start, 2));

        for (var i = 0; i < _options.MaxAttempts; i++)
        {
            await node.ReceiveOnceAsync(handler, CancellationToken.None);
            _time.Advance(_options.RetryDelay);
        }

        await node.ReceiveOnceAsync(handler, CancellationToken.None);

        Assert.IsType<Hangup>(handler.Handled[^1]);
        Assert.Equal(DeadLetterReason.MaxAttemptsExceeded, Assert.Single(_bus.DeadLettered("commands-node-a")).Reason);
    }

    [Fact]
    public async Task Unreadable_message_is_dead_lettered_without_reaching_the_handler()
    {
        var node = Node("node-a");
        var handler = new RecordingHandler();
        _bus.Enqueue("commands-new", new InMemoryMessage("""{"type":"Teleport","callId":"c"}"""u8.ToArray(), 0), TimeSpan.Zero);

        await node.ReceiveOnceAsync(handler, CancellationToken.None);

        Assert.Equal(0, handler.TotalAttempts);
        var poisoned = Assert.Single(_bus.DeadLettered("commands-new"));
        Assert.Equal(DeadLetterReason.Unreadable, poisoned.Reason);
        Assert.Equal(nameof(MediaMessageError.UnknownType), poisoned.Detail);
    }

    [Fact]
    public async Task RunAsync_handles_commands_as_they_arrive_and_returns_when_cancelled()
    {
        var node = Node("node-a");
        var handler = new RecordingHandler();
        using var cts = new CancellationTokenSource();
        var run = node.RunAsync(handler, cts.Token);

        await _sender.SendAsync(Commands.Start("c1", Start));
        await handler.WaitUntilAsync(h => h.Handled.Count == 1, TimeSpan.FromSeconds(10));
        await _sender.SendAsync(Commands.Answer("c1", "node-a", Start));
        await handler.WaitUntilAsync(h => h.Handled.Count == 2, TimeSpan.FromSeconds(10));
        await cts.CancelAsync();

        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(run.IsCompletedSuccessfully);
    }
}
