using Azure.Messaging.ServiceBus;

namespace Serverless.Shared.Transport.ServiceBus;

/// <summary>
/// One peek-locked Service Bus message. Settlement: complete; abandon (the broker redelivers at once and raises
/// <c>DeliveryCount</c>; Service Bus has no delayed abandon, and the queue's MaxDeliveryCount must exceed
/// <see cref="MediaTransportOptions.MaxAttempts"/> so we dead-letter with our reason first); dead-letter with the
/// reason and detail; requeue = schedule a copy for later and complete this one.
/// </summary>
internal sealed class ServiceBusDelivery(
    ServiceBusReceiver receiver, ServiceBusSender requeueSender, ServiceBusReceivedMessage message, TimeProvider time, LockRenewal locks)
    : CommandDelivery
{
    public override string Queue => receiver.EntityPath;

    public override ReadOnlyMemory<byte> Body => message.Body.ToMemory();

    public override int DeliveryCount => message.DeliveryCount;

    public override Task CompleteAsync(CancellationToken cancellationToken)
    {
        locks.Stop(message);
        return receiver.CompleteMessageAsync(message, cancellationToken);
    }

    public override Task AbandonAsync(TimeSpan retryDelay, CancellationToken cancellationToken)
    {
        locks.Stop(message);
        return receiver.AbandonMessageAsync(message, propertiesToModify: null, cancellationToken);
    }

    public override Task DeadLetterAsync(DeadLetterReason reason, string detail, CancellationToken cancellationToken)
    {
        locks.Stop(message);
        return receiver.DeadLetterMessageAsync(message, reason.ToString(), detail, cancellationToken);
    }

    public override async Task RequeueAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        // The copy keeps body and properties (the command's own MessageId stays in the body for idempotency), but gets
        // a broker MessageId of its own: with duplicate detection on, a copy reusing the id would be dropped as a
        // re-send and the command lost. Schedule first, complete second: a crash leaves a duplicate, not a loss.
        var copy = new ServiceBusMessage(message) { MessageId = RequeueMessageId(message) };
        await requeueSender.ScheduleMessageAsync(copy, time.GetUtcNow() + delay, cancellationToken);
        locks.Stop(message);
        await receiver.CompleteMessageAsync(message, cancellationToken);
    }

    /// <summary>Unique per broker copy: the broker's sequence number never repeats within a queue.</summary>
    internal static string RequeueMessageId(ServiceBusReceivedMessage message) =>
        $"{message.MessageId}~{message.SequenceNumber.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}
