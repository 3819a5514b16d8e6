using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Time.Testing;

namespace Serverless.Testing.ServiceBusBroker.Tests;

/// <summary>
/// The broker as the real <c>Azure.Messaging.ServiceBus</c> client sees it: every step goes through
/// <see cref="ServiceBusClient"/> over AMQP on 127.0.0.1. Waits are receive calls with a bounded wait, never sleeps.
/// </summary>
public sealed class BrokerConformanceTests : IAsyncDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    /// <summary>Long enough for a round trip, short enough to assert "nothing is there".</summary>
    private static readonly TimeSpan Nothing = TimeSpan.FromMilliseconds(300);

    private static readonly QueueSettings Settings = new()
    {
        LockDuration = TimeSpan.FromSeconds(30),
        MaxDeliveryCount = 3,
        DefaultMessageTimeToLive = TimeSpan.FromHours(1),
        DeadLetteringOnMessageExpiration = true,
        DuplicateDetectionHistoryTimeWindow = TimeSpan.FromMinutes(10),
    };

    // Locks, schedules, TTL and duplicate windows run on this clock; the client's own waits stay real.
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly ServiceBusTestBroker _broker;
    private readonly ServiceBusClient _client;
    private readonly string _queue = "q-" + Guid.NewGuid().ToString("N")[..8];

    public BrokerConformanceTests()
    {
        _broker = ServiceBusTestBroker.Start(new TestBrokerOptions { Time = _time, DefaultQueue = Settings });
        _client = new ServiceBusClient(_broker.ConnectionString);
    }

    private ServiceBusReceiver DeadLetterReceiver() =>
        _client.CreateReceiver(_queue, new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });

    public async ValueTask DisposeAsync()
    {
        await _client.DisposeAsync();
        await _broker.DisposeAsync();
        Assert.Empty(_broker.Faults);
    }

    [Fact]
    public async Task Sent_message_is_received_peek_locked_with_its_properties_and_gone_once_completed()
    {
        await using var sender = _client.CreateSender(_queue);
        await using var receiver = _client.CreateReceiver(_queue);
        var sent = new ServiceBusMessage(BinaryData.FromString("{\"hello\":1}"))
        {
            MessageId = "m-1", ContentType = "application/json", Subject = "Greeting", CorrelationId = "call-1",
        };
        sent.ApplicationProperties["sequence"] = 7L;

        await sender.SendMessageAsync(sent);
        var received = await receiver.ReceiveMessageAsync(Wait);

        Assert.NotNull(received);
        Assert.Equal("{\"hello\":1}", received.Body.ToString());
        Assert.Equal(("m-1", "application/json", "Greeting", "call-1"), (received.MessageId, received.ContentType, received.Subject, received.CorrelationId));
        Assert.Equal(7L, received.ApplicationProperties["sequence"]);
        Assert.Equal(1, received.DeliveryCount);
        Assert.NotEqual(default, received.LockToken);
        Assert.True(received.LockedUntil > DateTimeOffset.UtcNow);
        Assert.True(received.SequenceNumber > 0);

        await receiver.CompleteMessageAsync(received);

        Assert.Null(await receiver.ReceiveMessageAsync(TimeSpan.FromMilliseconds(300)));
        Assert.Equal(0, await _broker.MessageCountAsync(_queue));
    }

    [Fact]
    public async Task Abandoned_message_is_redelivered_at_once_with_DeliveryCount_raised_by_one()
    {
        await using var sender = _client.CreateSender(_queue);
        await using var receiver = _client.CreateReceiver(_queue);
        await sender.SendMessageAsync(new ServiceBusMessage("work") { MessageId = "m-1" });

        var first = await receiver.ReceiveMessageAsync(Wait);
        await receiver.AbandonMessageAsync(first);
        var second = await receiver.ReceiveMessageAsync(Wait);

        Assert.Equal("m-1", second.MessageId);
        Assert.Equal((1, 2), (first.DeliveryCount, second.DeliveryCount));
        Assert.NotEqual(first.LockToken, second.LockToken);
        Assert.Equal(first.SequenceNumber, second.SequenceNumber);
        await receiver.CompleteMessageAsync(second);
        Assert.Equal(0, await _broker.MessageCountAsync(_queue));
    }

    [Fact]
    public async Task Message_abandoned_MaxDeliveryCount_times_is_dead_lettered_with_reason_MaxDeliveryCountExceeded()
    {
        await using var sender = _client.CreateSender(_queue);
        await using var receiver = _client.CreateReceiver(_queue);
        await using var deadLetters = DeadLetterReceiver();
        await sender.SendMessageAsync(new ServiceBusMessage("poison") { MessageId = "m-1" });

        for (var delivery = 1; delivery <= Settings.MaxDeliveryCount; delivery++)
        {
            var message = await receiver.ReceiveMessageAsync(Wait);
            Assert.Equal(delivery, message.DeliveryCount);
            await receiver.AbandonMessageAsync(message);
        }

        Assert.Null(await receiver.ReceiveMessageAsync(Nothing));
        var dead = await deadLetters.ReceiveMessageAsync(Wait);
        Assert.Equal(("m-1", "poison"), (dead.MessageId, dead.Body.ToString()));
        Assert.Equal("MaxDeliveryCountExceeded", dead.DeadLetterReason);
        Assert.Equal(_queue, dead.DeadLetterSource);
        await deadLetters.CompleteMessageAsync(dead);
        Assert.Equal(0, await _broker.DeadLetterCountAsync(_queue));
    }

    [Fact]
    public async Task Receiver_dead_letters_with_its_own_reason_and_description()
    {
        await using var sender = _client.CreateSender(_queue);
        await using var receiver = _client.CreateReceiver(_queue);
        await using var deadLetters = DeadLetterReceiver();
        await sender.SendMessageAsync(new ServiceBusMessage("unreadable") { MessageId = "m-1" });

        await receiver.DeadLetterMessageAsync(await receiver.ReceiveMessageAsync(Wait), "Unreadable", "UnknownType");

        var dead = await deadLetters.ReceiveMessageAsync(Wait);
        Assert.Equal(("m-1", "Unreadable", "UnknownType"), (dead.MessageId, dead.DeadLetterReason, dead.DeadLetterErrorDescription));
        Assert.Equal(0, await _broker.MessageCountAsync(_queue));
    }

    [Fact]
    public async Task Expired_lock_makes_the_message_available_again_and_a_late_complete_fails_with_MessageLockLost()
    {
        await using var sender = _client.CreateSender(_queue);
        await using var receiver = _client.CreateReceiver(_queue);
        await sender.SendMessageAsync(new ServiceBusMessage("slow") { MessageId = "m-1" });
        var first = await receiver.ReceiveMessageAsync(Wait);

        _time.Advance(Settings.LockDuration);
        var second = await receiver.ReceiveMessageAsync(Wait);
        var late = await Assert.ThrowsAsync<ServiceBusException>(() => receiver.CompleteMessageAsync(first));

        Assert.Equal(ServiceBusFailureReason.MessageLockLost, late.Reason);
        Assert.Equal(("m-1", 2), (second.MessageId, second.DeliveryCount));
        await receiver.CompleteMessageAsync(second);
        Assert.Equal(0, await _broker.MessageCountAsync(_queue));
    }

    [Fact]
    public async Task Renewed_lock_outlives_the_original_lock_duration()
    {
        await using var sender = _client.CreateSender(_queue);
        await using var receiver = _client.CreateReceiver(_queue);
        await sender.SendMessageAsync(new ServiceBusMessage("long") { MessageId = "m-1" });
        var message = await receiver.ReceiveMessageAsync(Wait);
        var lockedUntil = message.LockedUntil;

        _time.Advance(Settings.LockDuration - TimeSpan.FromSeconds(5));
        await receiver.RenewMessageLockAsync(message);
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(lockedUntil + Settings.LockDuration - TimeSpan.FromSeconds(5), message.LockedUntil, TimeSpan.FromMilliseconds(1));
        Assert.Null(await receiver.ReceiveMessageAsync(Nothing));
        await receiver.CompleteMessageAsync(message);
        Assert.Equal(0, await _broker.MessageCountAsync(_queue));
    }

    [Fact]
    public async Task Renewing_an_expired_lock_fails_with_MessageLockLost()
    {
        await using var sender = _client.CreateSender(_queue);
        await using var receiver = _client.CreateReceiver(_queue);
        await sender.SendMessageAsync(new ServiceBusMessage("long") { MessageId = "m-1" });
        var message = await receiver.ReceiveMessageAsync(Wait);

        _time.Advance(Settings.LockDuration);
        var lost = await Assert.ThrowsAsync<ServiceBusException>(() => receiver.RenewMessageLockAsync(message));

        Assert.Equal(ServiceBusFailureReason.MessageLockLost, lost.Reason);
    }

    [Fact]
    public async Task Duplicate_MessageId_within_the_window_is_dropped_and_accepted_again_after_it()
    {
        await using var sender = _client.CreateSender(_queue);
        await using var receiver = _client.CreateReceiver(_queue);

        await sender.SendMessageAsync(new ServiceBusMessage("first") { MessageId = "m-1" });
        await sender.SendMessageAsync(new ServiceBusMessage("re-send") { MessageId = "m-1" });
        Assert.Equal(1, await _broker.MessageCountAsync(_queue));
        _time.Advance(Settings.DuplicateDetectionHistoryTimeWindow!.Value);
        await sender.SendMessageAsync(new ServiceBusMessage("after the window") { MessageId = "m-1" });

        var received = await receiver.ReceiveMessagesAsync(10, Wait);
        Assert.Equal(["first"], received.Select(m => m.Body.ToString()).Take(1));
        var all = received.Concat(await receiver.ReceiveMessagesAsync(10, Nothing)).Select(m => m.Body.ToString()).ToList();
        Assert.Equal(["first", "after the window"], all);
    }

    [Fact]
    public async Task Scheduled_message_stays_invisible_until_its_enqueue_time()
    {
        await using var sender = _client.CreateSender(_queue);
        await using var receiver = _client.CreateReceiver(_queue);
        var at = _time.GetUtcNow() + TimeSpan.FromMinutes(5);

        var sequence = await sender.ScheduleMessageAsync(new ServiceBusMessage("later") { MessageId = "m-1" }, at);

        Assert.True(sequence > 0);
        Assert.Null(await receiver.ReceiveMessageAsync(Nothing));
        _time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        Assert.Null(await receiver.ReceiveMessageAsync(Nothing));
        _time.Advance(TimeSpan.FromSeconds(1));
        var message = await receiver.ReceiveMessageAsync(Wait);
        Assert.Equal(("m-1", sequence), (message.MessageId, message.SequenceNumber));
        Assert.Equal(at, message.ScheduledEnqueueTime, TimeSpan.FromMilliseconds(1));
        Assert.Equal(at, message.EnqueuedTime, TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task Cancelled_scheduled_message_never_arrives()
    {
        await using var sender = _client.CreateSender(_queue);
        await using var receiver = _client.CreateReceiver(_queue);
        var sequence = await sender.ScheduleMessageAsync(new ServiceBusMessage("never"), _time.GetUtcNow() + TimeSpan.FromMinutes(1));

        await sender.CancelScheduledMessageAsync(sequence);
        _time.Advance(TimeSpan.FromMinutes(2));

        Assert.Null(await receiver.ReceiveMessageAsync(Nothing));
        Assert.Equal(0, await _broker.MessageCountAsync(_queue));
    }

    [Fact]
    public async Task Message_past_its_time_to_live_is_not_delivered_but_dead_lettered_as_TTLExpiredException()
    {
        await using var sender = _client.CreateSender(_queue);
        await using var receiver = _client.CreateReceiver(_queue);
        await using var deadLetters = DeadLetterReceiver();
        await sender.SendMessageAsync(new ServiceBusMessage("stale") { MessageId = "m-1", TimeToLive = TimeSpan.FromMinutes(1) });
        await sender.SendMessageAsync(new ServiceBusMessage("fresh") { MessageId = "m-2" });

        _time.Advance(TimeSpan.FromMinutes(1));

        var received = await receiver.ReceiveMessageAsync(Wait);
        Assert.Equal("m-2", received.MessageId);
        Assert.Null(await receiver.ReceiveMessageAsync(Nothing));
        var dead = await deadLetters.ReceiveMessageAsync(Wait);
        Assert.Equal(("m-1", "TTLExpiredException"), (dead.MessageId, dead.DeadLetterReason));
    }

    [Fact]
    public async Task Message_batch_is_stored_as_its_separate_messages()
    {
        await using var sender = _client.CreateSender(_queue);
        await using var receiver = _client.CreateReceiver(_queue);
        using var batch = await sender.CreateMessageBatchAsync();
        foreach (var id in new[] { "m-1", "m-2", "m-3" })
        {
            Assert.True(batch.TryAddMessage(new ServiceBusMessage(id) { MessageId = id }));
        }

        await sender.SendMessagesAsync(batch);

        Assert.Equal(3, await _broker.MessageCountAsync(_queue));
        var received = new List<ServiceBusReceivedMessage>();
        while (received.Count < 3)
        {
            received.AddRange(await receiver.ReceiveMessagesAsync(3 - received.Count, Wait));
        }

        Assert.Equal(["m-1", "m-2", "m-3"], received.Select(m => m.Body.ToString()));
    }
}
