using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Serverless.Shared.Media;
using Serverless.Shared.Transport;

namespace Serverless.Shared.Tests.Transport;

/// <summary>
/// A handled command whose reply is still on its way (<see cref="ICommandHandler.Handover"/>) is settled only once the
/// reply was handed over: completed then, or released for another delivery when it never was.
/// </summary>
public sealed class HandoverSettlementTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 8, 1, 0, 0, TimeSpan.Zero));
    private readonly MediaTransportOptions _options = new() { Kind = TransportKind.InMemory, MaxAttempts = 3 };
    private readonly InMemoryIdempotencyStore _idempotency;
    private readonly CallSequenceGate _gate = new();
    private readonly CommandProcessorFactory _factory;

    public HandoverSettlementTests()
    {
        _idempotency = new InMemoryIdempotencyStore(_time);
        _factory = new CommandProcessorFactory(_idempotency, _gate, _options, _time, NullLogger<CommandProcessor>.Instance);
    }

    [Fact]
    public async Task A_start_whose_reply_is_on_its_way_is_completed_only_once_it_is_handed_over()
    {
        var handler = new ReplyingHandler();
        var start = Commands.Start("c1", _time.GetUtcNow());
        var delivery = new FakeDelivery(start);

        var outcome = await _factory.Create(handler).ProcessAsync(delivery, CancellationToken.None);

        Assert.Equal(CommandOutcome.AwaitingHandover, outcome);
        Assert.Empty(delivery.Settlements);
        Assert.Equal(1, _factory.Settlements.Pending);
        Assert.False(await _idempotency.IsProcessedAsync(start.MessageId, CancellationToken.None));

        handler.Reply(start).SetResult(true);
        await _factory.Settlements.WhenAllSettledAsync().WaitAsync(Timeout);

        Assert.Equal(["complete"], delivery.Settlements);
        Assert.True(await _idempotency.IsProcessedAsync(start.MessageId, CancellationToken.None));
        Assert.Equal(0, _factory.Settlements.Pending);
    }

    [Fact]
    public async Task A_reply_never_handed_over_releases_the_message_and_its_redelivery_runs_the_handler_again()
    {
        var handler = new ReplyingHandler();
        var start = Commands.Start("c1", _time.GetUtcNow());
        var first = new FakeDelivery(start);
        Assert.Equal(CommandOutcome.AwaitingHandover, await _factory.Create(handler).ProcessAsync(first, CancellationToken.None));

        // The node stops before delivering it (or its outbox refused it): the message is released, not completed.
        handler.Reply(start).SetResult(false);
        await _factory.Settlements.WhenAllSettledAsync().WaitAsync(Timeout);
        Assert.Equal(["abandon"], first.Settlements);

        // Delivered again (here): neither marked processed nor passed by the sequence gate, so it runs again.
        var second = new FakeDelivery(start, deliveryCount: 2);
        Assert.Equal(CommandOutcome.AwaitingHandover, await _factory.Create(handler).ProcessAsync(second, CancellationToken.None));
        handler.Reply(start).SetResult(true);
        await _factory.Settlements.WhenAllSettledAsync().WaitAsync(Timeout);

        Assert.Equal(2, handler.Handled(start.MessageId));
        Assert.Equal(["complete"], second.Settlements);
    }

    [Fact]
    public async Task A_reply_not_handed_over_on_the_last_attempt_is_dead_lettered_readable()
    {
        var handler = new ReplyingHandler();
        var start = Commands.Start("c1", _time.GetUtcNow());
        var last = new FakeDelivery(start, deliveryCount: _options.MaxAttempts);

        Assert.Equal(CommandOutcome.AwaitingHandover, await _factory.Create(handler).ProcessAsync(last, CancellationToken.None));
        handler.Reply(start).SetResult(false);
        await _factory.Settlements.WhenAllSettledAsync().WaitAsync(Timeout);

        Assert.Equal(["dead-letter:MaxAttemptsExceeded"], last.Settlements);
    }

    [Fact]
    public async Task A_reply_already_handed_over_when_asked_completes_at_once_and_a_handler_owing_nothing_too()
    {
        var handler = new ReplyingHandler { AlreadyHandedOver = true };
        var start = Commands.Start("c1", _time.GetUtcNow());
        var delivery = new FakeDelivery(start);
        Assert.Equal(CommandOutcome.Handled, await _factory.Create(handler).ProcessAsync(delivery, CancellationToken.None));
        Assert.Equal(["complete"], delivery.Settlements);

        using var plain = new RecordingHandler();
        var other = new FakeDelivery(Commands.Start("c2", _time.GetUtcNow()));
        Assert.Equal(CommandOutcome.Handled, await _factory.Create(plain).ProcessAsync(other, CancellationToken.None));
        Assert.Equal(["complete"], other.Settlements);
        Assert.Equal(0, _factory.Settlements.Pending);
    }

    [Fact]
    public async Task A_follow_up_waits_for_the_start_until_its_reply_is_handed_over_then_runs()
    {
        var handler = new ReplyingHandler();
        var start = Commands.Start("c1", _time.GetUtcNow());
        await _factory.Create(handler).ProcessAsync(new FakeDelivery(start), CancellationToken.None);

        // The answer cannot exist before the offer reached the Functions; a copy that overtakes it is held back.
        var answer = new FakeDelivery(Commands.Answer("c1", "node-a", _time.GetUtcNow()));
        Assert.Equal(CommandOutcome.HeldBack, await _factory.Create(handler).ProcessAsync(answer, CancellationToken.None));

        handler.Reply(start).SetResult(true);
        await _factory.Settlements.WhenAllSettledAsync().WaitAsync(Timeout);
        var again = new FakeDelivery(Commands.Answer("c1", "node-a", _time.GetUtcNow()));
        Assert.Equal(CommandOutcome.Handled, await _factory.Create(handler).ProcessAsync(again, CancellationToken.None));
    }

    /// <summary>Answers each start with a reply whose hand-over the test decides; follow-ups owe nothing.</summary>
    private sealed class ReplyingHandler : ICommandHandler
    {
        private readonly ConcurrentDictionary<string, TaskCompletionSource<bool>> _replies = new();
        private readonly ConcurrentDictionary<string, int> _handled = new();

        public bool AlreadyHandedOver { get; init; }

        public TaskCompletionSource<bool> Reply(MediaCommand start) => _replies[start.MessageId];

        public int Handled(string messageId) => _handled.GetValueOrDefault(messageId);

        public Task HandleAsync(MediaCommand command, CancellationToken cancellationToken)
        {
            _handled.AddOrUpdate(command.MessageId, 1, (_, n) => n + 1);
            if (command.StartsCall)
            {
                var reply = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                if (AlreadyHandedOver)
                {
                    reply.SetResult(true);
                }

                _replies[command.MessageId] = reply;
            }

            return Task.CompletedTask;
        }

        public Task<bool>? Handover(MediaCommand command) =>
            command.StartsCall ? _replies[command.MessageId].Task : null;
    }

    /// <summary>A delivery that records how it was settled.</summary>
    private sealed class FakeDelivery(MediaCommand command, int deliveryCount = 1) : CommandDelivery
    {
        private readonly ConcurrentQueue<string> _settlements = new();

        public IReadOnlyList<string> Settlements => [.. _settlements];

        public override string Queue => "commands-new";

        public override ReadOnlyMemory<byte> Body { get; } = MediaMessageSerializer.Serialize(command);

        public override int DeliveryCount => deliveryCount;

        public override Task CompleteAsync(CancellationToken cancellationToken) => Record("complete");

        public override Task AbandonAsync(TimeSpan retryDelay, CancellationToken cancellationToken) => Record("abandon");

        public override Task DeadLetterAsync(DeadLetterReason reason, string detail, CancellationToken cancellationToken) => Record("dead-letter:" + reason);

        public override Task RequeueAsync(TimeSpan delay, CancellationToken cancellationToken) => Record("requeue");

        private Task Record(string what)
        {
            _settlements.Enqueue(what);
            return Task.CompletedTask;
        }
    }
}
