using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using Serverless.Shared.Media;
using Serverless.Shared.Transport;
using Serverless.Shared.Transport.ServiceBus;

namespace Serverless.Shared.Tests.Transport;

/// <summary>
/// The Service Bus adapter against the client library's own types: substitutes for client, senders and
/// receivers (no broker speaks Service Bus AMQP here) and ServiceBusModelFactory-made received messages.
/// </summary>
public sealed class ServiceBusTransportTests : IDisposable
{
    private const string NodeQueue = "commands-node-a";
    private const string NewCalls = "commands-new";
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 2, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Now);
    private readonly MediaTransportOptions _options = new() { Kind = TransportKind.ServiceBus, MaxAttempts = 3 };
    private readonly ServiceBusClient _client = Substitute.For<ServiceBusClient>();
    private readonly Dictionary<string, ServiceBusSender> _senders = [];
    private readonly Dictionary<string, ServiceBusReceiver> _receivers = [];
    private readonly RecordingHandler _handler;

    public ServiceBusTransportTests()
    {
        foreach (var queue in new[] { NodeQueue, NewCalls })
        {
            var sender = Substitute.For<ServiceBusSender>();
            var receiver = Substitute.For<ServiceBusReceiver>();
            receiver.EntityPath.Returns(queue);
            receiver.ReceiveMessagesAsync(Arg.Any<int>(), Arg.Any<TimeSpan?>(), Arg.Any<CancellationToken>())
                .Returns(Array.Empty<ServiceBusReceivedMessage>());
            _client.CreateSender(queue).Returns(sender);
            _client.CreateReceiver(queue, Arg.Any<ServiceBusReceiverOptions>()).Returns(receiver);
            _senders[queue] = sender;
            _receivers[queue] = receiver;
        }

        _handler = new RecordingHandler { FailWhen = (c, _) => c.CallId.StartsWith("fail", StringComparison.Ordinal) };
    }

    public void Dispose() => _handler.Dispose();

    private ServiceBusCommandReceiver Receiver() =>
        new(_client, "node-a", _options,
            new CommandProcessorFactory(new InMemoryIdempotencyStore(_time), new CallSequenceGate(), _options, _time), _time);

    private void Deliver(string queue, params ServiceBusReceivedMessage[] messages) =>
        _receivers[queue].ReceiveMessagesAsync(Arg.Any<int>(), Arg.Any<TimeSpan?>(), Arg.Any<CancellationToken>())
            .Returns(messages, []);

    private static ServiceBusReceivedMessage Received(MediaCommand command, int deliveryCount = 1) =>
        Received(MediaMessageSerializer.Serialize(command), command.MessageId, deliveryCount);

    private static long _sequenceNumber;

    private static ServiceBusReceivedMessage Received(byte[] body, string messageId, int deliveryCount) =>
        ServiceBusModelFactory.ServiceBusReceivedMessage(
            body: BinaryData.FromBytes(body), messageId: messageId, deliveryCount: deliveryCount, lockTokenGuid: Guid.NewGuid(),
            sequenceNumber: Interlocked.Increment(ref _sequenceNumber));

    [Fact]
    public async Task Send_maps_a_follow_up_to_the_node_queue_with_ids_and_trace_headers()
    {
        using var activity = new System.Diagnostics.Activity("dial").SetIdFormat(System.Diagnostics.ActivityIdFormat.W3C).Start();
        activity.TraceStateString = "az=1";
        var command = Commands.Answer("c1", "node-a", Now, sequence: 4);
        activity.Stop();
        ServiceBusMessage? sent = null;
        await _senders[NodeQueue].SendMessageAsync(Arg.Do<ServiceBusMessage>(m => sent = m), Arg.Any<CancellationToken>());

        await new ServiceBusCommandSender(_client, _options.QueueNames()).SendAsync(command);

        await _senders[NodeQueue].Received(1).SendMessageAsync(Arg.Any<ServiceBusMessage>(), Arg.Any<CancellationToken>());
        await _senders[NewCalls].DidNotReceiveWithAnyArgs().SendMessageAsync(default!, default);
        Assert.NotNull(sent);
        Assert.Equal(command.MessageId, sent.MessageId);
        // Per-node queues without sessions: order comes from the envelope's sequence, not SessionId.
        Assert.Null(sent.SessionId);
        Assert.Equal("node-a", sent.To);
        Assert.Equal("c1", sent.CorrelationId);
        Assert.Equal(nameof(ApplyAnswer), sent.Subject);
        Assert.Equal("application/json", sent.ContentType);
        Assert.Equal(activity.Id, sent.ApplicationProperties[ServiceBusCommandSender.TraceParentProperty]);
        Assert.Equal(activity.Id, sent.ApplicationProperties[ServiceBusCommandSender.DiagnosticIdProperty]);
        Assert.Equal("az=1", sent.ApplicationProperties[ServiceBusCommandSender.TraceStateProperty]);
        Assert.Equal(4L, sent.ApplicationProperties[ServiceBusCommandSender.SequenceProperty]);
        Assert.True(MediaMessageSerializer.TryDeserialize<MediaCommand>(sent.Body.ToMemory().Span, out var body, out _));
        Assert.Equal(command, body);
    }

    [Fact]
    public async Task Send_puts_a_start_command_on_the_new_calls_queue_without_trace_when_there_is_none()
    {
        var command = Commands.Start("c1", Now);

        await new ServiceBusCommandSender(_client, _options.QueueNames()).SendAsync(command);

        await _senders[NewCalls].Received(1).SendMessageAsync(
            Arg.Is<ServiceBusMessage>(m => m.MessageId == command.MessageId && m.To == null
                && !m.ApplicationProperties.ContainsKey(ServiceBusCommandSender.TraceParentProperty)),
            Arg.Any<CancellationToken>());
        await _senders[NodeQueue].DidNotReceiveWithAnyArgs().SendMessageAsync(default!, default);
    }

    [Fact]
    public async Task Receive_completes_a_handled_command()
    {
        var message = Received(Commands.Start("c1", Now));
        Deliver(NewCalls, message);

        Assert.Equal(1, await Receiver().ReceiveOnceAsync(_handler, CancellationToken.None));

        Assert.Single(_handler.Handled);
        await _receivers[NewCalls].Received(1).CompleteMessageAsync(message, Arg.Any<CancellationToken>());
        await _receivers[NewCalls].DidNotReceiveWithAnyArgs().AbandonMessageAsync(default!, default, default);
    }

    [Fact]
    public async Task Receive_abandons_a_command_whose_handler_failed_before_the_last_attempt()
    {
        var message = Received(Commands.Start("fail-1", Now), deliveryCount: _options.MaxAttempts - 1);
        Deliver(NewCalls, message);

        await Receiver().ReceiveOnceAsync(_handler, CancellationToken.None);

        await _receivers[NewCalls].Received(1).AbandonMessageAsync(message, null, Arg.Any<CancellationToken>());
        await _receivers[NewCalls].DidNotReceiveWithAnyArgs().CompleteMessageAsync(default!, default);
        await _receivers[NewCalls].DidNotReceiveWithAnyArgs().DeadLetterMessageAsync(default!, default(string)!, default, default);
    }

    [Fact]
    public async Task Receive_dead_letters_a_command_whose_last_attempt_failed()
    {
        var message = Received(Commands.Start("fail-1", Now), deliveryCount: _options.MaxAttempts);
        Deliver(NewCalls, message);

        await Receiver().ReceiveOnceAsync(_handler, CancellationToken.None);

        await _receivers[NewCalls].Received(1).DeadLetterMessageAsync(
            message, nameof(DeadLetterReason.MaxAttemptsExceeded), Arg.Is<string>(d => d.Contains("planned failure")), Arg.Any<CancellationToken>());
        await _receivers[NewCalls].DidNotReceiveWithAnyArgs().AbandonMessageAsync(default!, default, default);
    }

    [Fact]
    public async Task Receive_dead_letters_without_running_the_handler_once_deliveries_exceed_MaxAttempts()
    {
        var message = Received(Commands.Start("c1", Now), deliveryCount: _options.MaxAttempts + 1);
        Deliver(NewCalls, message);

        await Receiver().ReceiveOnceAsync(_handler, CancellationToken.None);

        Assert.Equal(0, _handler.TotalAttempts);
        await _receivers[NewCalls].Received(1).DeadLetterMessageAsync(
            message, nameof(DeadLetterReason.MaxAttemptsExceeded), Arg.Any<string>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Receive_dead_letters_an_unreadable_body()
    {
        var message = Received("not json"u8.ToArray(), "m-x", 1);
        Deliver(NodeQueue, message);

        await Receiver().ReceiveOnceAsync(_handler, CancellationToken.None);

        await _receivers[NodeQueue].Received(1).DeadLetterMessageAsync(
            message, nameof(DeadLetterReason.Unreadable), nameof(MediaMessageError.Malformed), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Redelivered_command_already_handled_is_completed_without_running_again()
    {
        var command = Commands.Start("c1", Now);
        var first = Received(command);
        var redelivery = Received(command, deliveryCount: 2);
        Deliver(NewCalls, first, redelivery);

        await Receiver().ReceiveOnceAsync(_handler, CancellationToken.None);

        Assert.Equal(1, _handler.TotalAttempts);
        await _receivers[NewCalls].Received(1).CompleteMessageAsync(first, Arg.Any<CancellationToken>());
        await _receivers[NewCalls].Received(1).CompleteMessageAsync(redelivery, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Out_of_order_follow_up_is_rescheduled_as_a_copy_under_a_fresh_broker_id_and_the_original_completed()
    {
        var receiver = Receiver();
        Deliver(NewCalls, Received(Commands.Start("c1", Now)));
        await receiver.ReceiveOnceAsync(_handler, CancellationToken.None);
        var early = Received(Commands.Tone("c1", "node-a", Now, sequence: 2));
        Deliver(NodeQueue, early);

        await receiver.ReceiveOnceAsync(_handler, CancellationToken.None);

        Assert.Single(_handler.Handled);
        await _senders[NodeQueue].Received(1).ScheduleMessageAsync(
            // A fresh broker MessageId, or duplicate detection would drop the copy; the command id stays in the body.
            Arg.Is<ServiceBusMessage>(m => m.MessageId != early.MessageId && m.MessageId.StartsWith(early.MessageId)
                && m.Body.ToString() == early.Body.ToString()),
            Now + _options.HoldBackDelay,
            Arg.Any<CancellationToken>());
        await _receivers[NodeQueue].Received(1).CompleteMessageAsync(early, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task A_failed_settlement_does_not_stop_the_rest_of_the_batch()
    {
        var lost = Received(Commands.Start("c1", Now));
        var next = Received(Commands.Start("c2", Now));
        _receivers[NewCalls].CompleteMessageAsync(lost, Arg.Any<CancellationToken>())
            .Returns(Task.FromException(new ServiceBusException("lock lost", ServiceBusFailureReason.MessageLockLost)));
        Deliver(NewCalls, lost, next);

        Assert.Equal(2, await Receiver().ReceiveOnceAsync(_handler, CancellationToken.None));

        Assert.Equal(2, _handler.Handled.Count);
        await _receivers[NewCalls].Received(1).CompleteMessageAsync(next, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task RunAsync_survives_a_broker_error_and_returns_when_cancelled()
    {
        _options.PollInterval = TimeSpan.FromMilliseconds(10);
        using var cts = new CancellationTokenSource();
        var message = Received(Commands.Answer("c1", "node-a", Now));
        _receivers[NodeQueue].ReceiveMessagesAsync(Arg.Any<int>(), Arg.Any<TimeSpan?>(), Arg.Any<CancellationToken>())
            .Returns(
                _ => Task.FromException<IReadOnlyList<ServiceBusReceivedMessage>>(
                    new ServiceBusException("connection reset", ServiceBusFailureReason.ServiceCommunicationProblem)),
                _ => Task.FromResult<IReadOnlyList<ServiceBusReceivedMessage>>([message]),
                call => WaitForCancellationAsync(call.ArgAt<CancellationToken>(2)));
        // The new-calls queue is long-polled at the same time and stays empty (as the real client's receive waits).
        _receivers[NewCalls].ReceiveMessagesAsync(Arg.Any<int>(), Arg.Any<TimeSpan?>(), Arg.Any<CancellationToken>())
            .Returns(call => WaitForCancellationAsync(call.ArgAt<CancellationToken>(2)));
        var receiver = new ServiceBusCommandReceiver(
            _client, "node-a", _options,
            new CommandProcessorFactory(new InMemoryIdempotencyStore(TimeProvider.System), new CallSequenceGate(), _options, TimeProvider.System),
            TimeProvider.System);

        var run = receiver.RunAsync(_handler, cts.Token);
        await _handler.WaitUntilAsync(h => h.Handled.Count == 1, TimeSpan.FromSeconds(10));
        await cts.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(run.IsCompletedSuccessfully);
        await _receivers[NodeQueue].Received(1).CompleteMessageAsync(message, Arg.Any<CancellationToken>());
    }

    private static async Task<IReadOnlyList<ServiceBusReceivedMessage>> WaitForCancellationAsync(CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        return [];
    }

    /// <summary>A handler that takes <paramref name="duration"/> of (fake) time.</summary>
    private sealed class SlowHandler(FakeTimeProvider time, TimeSpan duration) : ICommandHandler
    {
        public int Calls { get; private set; }

        public Task HandleAsync(MediaCommand command, CancellationToken cancellationToken)
        {
            Calls++;
            time.Advance(duration);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Receive_renews_the_lock_of_a_command_handled_longer_than_half_its_lock_and_stops_once_settled()
    {
        var lockedUntil = Now + TimeSpan.FromSeconds(30);
        var message = ServiceBusModelFactory.ServiceBusReceivedMessage(
            body: BinaryData.FromBytes(MediaMessageSerializer.Serialize(Commands.Start("c1", Now))), messageId: "m-1", deliveryCount: 1,
            lockTokenGuid: Guid.NewGuid(), sequenceNumber: 1, lockedUntil: lockedUntil);
        Deliver(NewCalls, message);
        var slow = new SlowHandler(_time, TimeSpan.FromSeconds(20));

        await Receiver().ReceiveOnceAsync(slow, CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(1, slow.Calls);
        // Renewed once, at half the lock: the handler's 20 s outlast 15 s; after completion, never again.
        await _receivers[NewCalls].Received(1).RenewMessageLockAsync(message, Arg.Any<CancellationToken>());
        await _receivers[NewCalls].Received(1).CompleteMessageAsync(message, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Receive_keeps_the_locks_of_messages_waiting_behind_a_slow_one_in_the_batch()
    {
        var start = Commands.Start("c1", Now);
        var waiting = Commands.Start("c2", Now);
        var first = Received(start);
        var second = ServiceBusModelFactory.ServiceBusReceivedMessage(
            body: BinaryData.FromBytes(MediaMessageSerializer.Serialize(waiting)), messageId: waiting.MessageId, deliveryCount: 1,
            lockTokenGuid: Guid.NewGuid(), sequenceNumber: 99, lockedUntil: Now + TimeSpan.FromSeconds(30));
        Deliver(NewCalls, first, second);

        await Receiver().ReceiveOnceAsync(new SlowHandler(_time, TimeSpan.FromSeconds(20)), CancellationToken.None);

        await _receivers[NewCalls].Received().RenewMessageLockAsync(second, Arg.Any<CancellationToken>());
    }
    [Fact]
    public async Task A_start_awaiting_its_replys_handover_keeps_its_lock_renewed_after_the_round_and_is_completed_once_handed_over()
    {
        var message = ServiceBusModelFactory.ServiceBusReceivedMessage(
            body: BinaryData.FromBytes(MediaMessageSerializer.Serialize(Commands.Start("c1", Now))), messageId: "m-1", deliveryCount: 1,
            lockTokenGuid: Guid.NewGuid(), sequenceNumber: 1, lockedUntil: Now + TimeSpan.FromSeconds(30));
        Deliver(NewCalls, message);
        var reply = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var processors = new CommandProcessorFactory(new InMemoryIdempotencyStore(_time), new CallSequenceGate(), _options, _time);
        var receiver = new ServiceBusCommandReceiver(_client, "node-a", _options, processors, _time);

        await receiver.ReceiveOnceAsync(new AwaitingHandler(reply.Task), CancellationToken.None);

        // The round is over, the reply is not handed over: the lock is renewed at each half lock, never completed.
        for (var i = 1; i <= 4; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(15));
            await _receivers[NewCalls].Received(i).RenewMessageLockAsync(message, Arg.Any<CancellationToken>());
        }

        await _receivers[NewCalls].DidNotReceiveWithAnyArgs().CompleteMessageAsync(default!, default);

        reply.SetResult(true);
        await processors.Settlements.WhenAllSettledAsync().WaitAsync(TimeSpan.FromSeconds(30));
        _time.Advance(TimeSpan.FromMinutes(5));

        await _receivers[NewCalls].Received(1).CompleteMessageAsync(message, Arg.Any<CancellationToken>());
        await _receivers[NewCalls].Received(4).RenewMessageLockAsync(message, Arg.Any<CancellationToken>());
    }

    /// <summary>Handles every command at once; a start's reply is handed over when <paramref name="reply"/> says.</summary>
    private sealed class AwaitingHandler(Task<bool> reply) : ICommandHandler
    {
        public Task HandleAsync(MediaCommand command, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<bool>? Handover(MediaCommand command) => command.StartsCall ? reply : null;
    }
}
