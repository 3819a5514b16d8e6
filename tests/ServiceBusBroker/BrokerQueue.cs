namespace Serverless.Testing.ServiceBusBroker;

/// <summary>One stored copy of a message in a queue (or its dead-letter sub-queue). Touched only on the broker's loop.</summary>
internal sealed class StoredMessage
{
    public required long SequenceNumber { get; init; }

    /// <summary>The message as the sender encoded it; broker annotations are added per delivery.</summary>
    public required byte[] Encoded { get; init; }

    public string? MessageId { get; init; }

    /// <summary>When it was (or, when scheduled, will be) enqueued; it is invisible before.</summary>
    public required DateTimeOffset EnqueuedAt { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Deliveries that ended without completion (abandon, lock expiry): AMQP header delivery-count.</summary>
    public int FailedDeliveries { get; set; }

    public Guid? LockToken { get; set; }

    public DateTimeOffset LockedUntil { get; set; }

    public string? DeadLetterReason { get; init; }

    public string? DeadLetterDescription { get; init; }

    public string? DeadLetterSource { get; init; }

    public bool IsLocked(DateTimeOffset now) => LockToken is not null && LockedUntil > now;
}

/// <summary>A queue: its messages in sequence order, its receivers, its dead-letter sub-queue.</summary>
internal sealed class BrokerQueue(string name, QueueSettings settings, BrokerQueue? deadLetterOf = null)
{
    private long _nextSequence = 1;

    public string Name { get; } = name;

    public QueueSettings Settings { get; } = settings;

    /// <summary>The queue this one is the dead-letter sub-queue of, if any.</summary>
    public BrokerQueue? Parent { get; } = deadLetterOf;

    public BrokerQueue? DeadLetter { get; set; }

    public List<StoredMessage> Messages { get; } = [];

    public List<OutgoingEndpoint> Receivers { get; } = [];

    /// <summary>MessageId → when it was accepted, for duplicate detection.</summary>
    public Dictionary<string, DateTimeOffset> RecentMessageIds { get; } = new(StringComparer.Ordinal);

    public long NextSequenceNumber() => _nextSequence++;

    public StoredMessage? FindLocked(Guid lockToken) => Messages.Find(m => m.LockToken == lockToken);

    public StoredMessage? NextAvailable(DateTimeOffset now) =>
        Messages.Find(m => m.EnqueuedAt <= now && m.ExpiresAt > now && !m.IsLocked(now));
}
