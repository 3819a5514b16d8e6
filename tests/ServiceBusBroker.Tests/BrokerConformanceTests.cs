using Azure.Messaging.ServiceBus;

namespace Serverless.Testing.ServiceBusBroker.Tests;

/// <summary>
/// The broker as the real <c>Azure.Messaging.ServiceBus</c> client sees it: every step goes through
/// <see cref="ServiceBusClient"/> over AMQP on 127.0.0.1. Waits are receive calls with a bounded wait, never sleeps.
/// </summary>
public sealed class BrokerConformanceTests : IAsyncDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private readonly ServiceBusTestBroker _broker;
    private readonly ServiceBusClient _client;
    private readonly string _queue = "q-" + Guid.NewGuid().ToString("N")[..8];

    public BrokerConformanceTests()
    {
        _broker = ServiceBusTestBroker.Start();
        _client = new ServiceBusClient(_broker.ConnectionString);
    }

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
}
