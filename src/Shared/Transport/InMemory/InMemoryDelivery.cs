namespace Serverless.Shared.Transport.InMemory;

/// <summary>One delivery from an in-memory queue; settlement maps onto the bus.</summary>
internal sealed class InMemoryDelivery(InMemoryCommandBus bus, string queue, InMemoryMessage message) : CommandDelivery
{
    public override string Queue => queue;

    public override ReadOnlyMemory<byte> Body => message.Body;

    public override int DeliveryCount => message.DeliveryCount + 1;

    public override Task CompleteAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override Task AbandonAsync(TimeSpan retryDelay, CancellationToken cancellationToken)
    {
        bus.Enqueue(queue, message with { DeliveryCount = DeliveryCount }, retryDelay);
        return Task.CompletedTask;
    }

    public override Task DeadLetterAsync(DeadLetterReason reason, string detail, CancellationToken cancellationToken)
    {
        bus.DeadLetter(queue, message with { DeliveryCount = DeliveryCount }, reason, detail);
        return Task.CompletedTask;
    }

    public override Task RequeueAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        bus.Enqueue(queue, message with { DeliveryCount = 0 }, delay);
        return Task.CompletedTask;
    }
}
