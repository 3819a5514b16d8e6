using Serverless.Shared.Media;

namespace Serverless.Shared.Transport.StorageQueues;

/// <summary><see cref="ICommandSender"/> onto Azure Storage Queues (Base64-encoded UTF-8 JSON bodies).</summary>
public sealed class StorageQueueCommandSender : ICommandSender
{
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
    public async Task SendAsync(MediaCommand command, CancellationToken cancellationToken = default)
    {
        var queue = await _queues.GetAsync(_names.For(command), cancellationToken);
        await queue.SendMessageAsync(BinaryData.FromBytes(MediaMessageSerializer.Serialize(command)), cancellationToken: cancellationToken);
    }
}
