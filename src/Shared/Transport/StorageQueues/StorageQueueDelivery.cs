using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace Serverless.Shared.Transport.StorageQueues;

/// <summary>
/// One Storage Queue message, held invisible for the receive's visibility timeout (at-least-once: if we crash,
/// it reappears). Settlement: complete = delete; abandon = shorten the invisibility to the retry delay (the
/// service raises <c>DequeueCount</c> on the next receive); dead-letter = copy the unchanged body to
/// <c>{queue}-poison</c>, then delete; requeue = send a fresh copy that becomes visible after the delay, then delete.
/// </summary>
internal sealed class StorageQueueDelivery(QueueClient queue, QueueMessage message, StorageQueueClients queues) : CommandDelivery
{
    public override string Queue => queue.Name;

    public override ReadOnlyMemory<byte> Body => message.Body.ToMemory();

    public override int DeliveryCount => checked((int)message.DequeueCount);

    public override async Task CompleteAsync(CancellationToken cancellationToken) =>
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);

    public override async Task AbandonAsync(TimeSpan retryDelay, CancellationToken cancellationToken) =>
        await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: retryDelay, cancellationToken: cancellationToken);

    public override async Task DeadLetterAsync(DeadLetterReason reason, string detail, CancellationToken cancellationToken)
    {
        // Copy first, delete second: a crash in between leaves a duplicate, never a loss.
        var poison = await queues.GetAsync(CommandQueueNames.PoisonOf(queue.Name), cancellationToken);
        await poison.SendMessageAsync(message.Body, cancellationToken: cancellationToken);
        await CompleteAsync(cancellationToken);
    }

    public override async Task RequeueAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        await queue.SendMessageAsync(message.Body, visibilityTimeout: delay, cancellationToken: cancellationToken);
        await CompleteAsync(cancellationToken);
    }
}
