namespace Serverless.Shared.Transport;

/// <summary>Which broker carries the commands (<c>Transport:Kind</c>).</summary>
public enum TransportKind
{
    /// <summary>Not configured; refused by validation.</summary>
    None,

    /// <summary>Azure Service Bus (production).</summary>
    ServiceBus,

    /// <summary>Azure Storage Queues (local runs on Azurite, CI).</summary>
    StorageQueues,

    /// <summary>Process-local channels (unit tests, single-process demos).</summary>
    InMemory,
}
