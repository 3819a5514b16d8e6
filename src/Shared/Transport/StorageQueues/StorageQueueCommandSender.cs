using Serverless.Shared.Media;

namespace Serverless.Shared.Transport.StorageQueues;

/// <summary><see cref="ICommandSender"/> onto Azure Storage Queues (Base64-encoded UTF-8 JSON bodies).</summary>
public sealed class StorageQueueCommandSender : ICommandSender
{
    /// <summary>
    /// Largest body we send: a Storage Queue message holds 64 KiB, and Base64 grows the body by 4/3
    /// (SDP with candidates is a few KiB; a large audio plan belongs in a blob, referenced by URI).
    /// </summary>
    public const int MaxBodyBytes = 64 * 1024 / 4 * 3;

    private readonly StorageQueueClients _queues;
    private readonly CommandQueueNames _names;

    /// <summary>Creates the sender.</summary>
    public StorageQueueCommandSender(StorageQueueClients queues, CommandQueueNames names)
    {
        ArgumentNullException.ThrowIfNull(queues);
        ArgumentNullException.ThrowIfNull(names);
        _queues = queues;
        _names = names;
    }

    /// <inheritdoc />
    /// <exception cref="CommandTooLargeException">The serialized command is larger than <see cref="MaxBodyBytes"/>.</exception>
    public async Task SendAsync(MediaCommand command, CancellationToken cancellationToken = default)
    {
        var queueName = _names.For(command);
        var body = MediaMessageSerializer.Serialize(command);
        if (body.Length > MaxBodyBytes)
        {
            throw new CommandTooLargeException(
                $"{command.MessageType} for call {command.CallId} is {body.Length} bytes; Storage Queues carry at most {MaxBodyBytes}.");
        }

        var queue = await _queues.GetAsync(queueName, cancellationToken);
        try
        {
            await queue.SendMessageAsync(BinaryData.FromBytes(body), cancellationToken: cancellationToken);
        }
        catch (Azure.RequestFailedException ex) when (_queues.ForgetIfMissing(queueName, ex))
        {
            // The queue vanished (storage came back empty): create it again and send once more.
            queue = await _queues.GetAsync(queueName, cancellationToken);
            await queue.SendMessageAsync(BinaryData.FromBytes(body), cancellationToken: cancellationToken);
        }
    }
}
