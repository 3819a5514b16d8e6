using System.Collections.Concurrent;
using Azure;
using Azure.Storage.Queues;

namespace Serverless.Shared.Transport.StorageQueues;

/// <summary>
/// Queue clients by name over one <see cref="QueueServiceClient"/>, creating each queue on first use
/// (node queues and poison queues come and go with nodes, so they are not provisioned up front).
/// </summary>
public sealed class StorageQueueClients
{
    private readonly QueueServiceClient _service;
    private readonly ConcurrentDictionary<string, QueueClient> _ready = new(StringComparer.Ordinal);

    /// <summary>Wraps a service client; it must use <see cref="QueueMessageEncoding.Base64"/> (see <see cref="CreateClientOptions"/>).</summary>
    public StorageQueueClients(QueueServiceClient service)
    {
        ArgumentNullException.ThrowIfNull(service);
        _service = service;
    }

    /// <summary>
    /// Client options for this transport: Base64 message encoding, which Azure Functions' queue trigger and the
    /// portal expect and which keeps any JSON byte safe in the XML message envelope.
    /// </summary>
    public static QueueClientOptions CreateClientOptions() => new() { MessageEncoding = QueueMessageEncoding.Base64 };

    /// <summary>The client for <paramref name="queueName"/>, after making sure the queue exists.</summary>
    public async Task<QueueClient> GetAsync(string queueName, CancellationToken cancellationToken)
    {
        if (_ready.TryGetValue(queueName, out var client))
        {
            return client;
        }

        client = _service.GetQueueClient(queueName);
        await client.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        return _ready.GetOrAdd(queueName, client);
    }

    /// <summary>
    /// Whether <paramref name="ex"/> says the queue is gone (storage came back empty, someone deleted it). The queue
    /// is then forgotten, so the next <see cref="GetAsync"/> creates it again instead of failing forever.
    /// </summary>
    public bool ForgetIfMissing(string queueName, RequestFailedException ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        if (ex.Status != 404 || ex.ErrorCode != "QueueNotFound")
        {
            return false;
        }

        _ready.TryRemove(queueName, out _);
        return true;
    }
}
