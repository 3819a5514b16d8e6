namespace Serverless.Shared.Transport;

/// <summary>Settings of the command transport, bound from the <c>Transport</c> configuration section.</summary>
public sealed class MediaTransportOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Transport";

    /// <summary>Which adapter to use.</summary>
    public TransportKind Kind { get; set; }

    /// <summary>Connection string (Service Bus or Storage). Either this or an identity endpoint below.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Service Bus namespace host (e.g. <c>x.servicebus.windows.net</c>) for identity-based access.</summary>
    public string? FullyQualifiedNamespace { get; set; }

    /// <summary>Storage queue service URI for identity-based access.</summary>
    public Uri? QueueServiceUri { get; set; }

    /// <summary>Shared queue for commands that start a call.</summary>
    public string NewCallsQueue { get; set; } = "commands-new";

    /// <summary>Prefix of each node's own queue (<c>{prefix}{nodeId}</c>).</summary>
    public string NodeQueuePrefix { get; set; } = "commands-";

    /// <summary>This process's node id; needed to receive (MediaNode), not to send (Functions).</summary>
    public string? NodeId { get; set; }

    /// <summary>Handler attempts before a command is dead-lettered.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>
    /// How long a received Storage Queue message stays invisible to others; renewed every third of it until the message
    /// is settled (a start only once its reply is handed over), so it bounds how soon a dead node's commands reappear
    /// for other nodes, not how long handling may take. Keep it well inside the Functions' <c>Calls:PlacementWindow</c>
    /// (10 s), or a dead node's start reappears after its call failed <c>capacity</c>.
    /// </summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>Delay before a failed command is tried again (Service Bus abandons immediately; see its adapter).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Delay before a held-back (out-of-order) command is looked at again.</summary>
    public TimeSpan HoldBackDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long after its creation a command may wait for its predecessor before it is dead-lettered. Must outlast
    /// the predecessor's retries (MaxAttempts × RetryDelay).
    /// </summary>
    public TimeSpan MaxHoldTime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Idle time between polls that found nothing: Service Bus long-polls for this long; Storage Queues back off to it
    /// when idle (see <see cref="ActivePollInterval"/>).
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Storage Queues only: the poll interval from start and for <see cref="ActivePollWindow"/> after the last message,
    /// before backing off (doubling) to <see cref="PollInterval"/>. Keeps a command's wait short while calls run.
    /// </summary>
    public TimeSpan ActivePollInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Storage Queues only: how long after the last message polls stay at <see cref="ActivePollInterval"/>.</summary>
    public TimeSpan ActivePollWindow { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Senders (Functions), Storage Queues, local only: the nodes' <c>/wake</c> doorbells (<c>http://</c> loopback URLs,
    /// the node's HTTP port with <c>MediaNode:WakeEndpoint</c> on), rung after each queued command so the node asks its
    /// queues at once instead of at its next poll. Service Bus needs none: it pushes to its long-polling receivers.
    /// </summary>
    public IList<Uri>? WakeUrls { get; set; }

    /// <summary>Most messages taken from one queue per receive.</summary>
    public int BatchSize { get; set; } = 16;

    /// <summary>The routing rule these options describe.</summary>
    public CommandQueueNames QueueNames() => new(NewCallsQueue, NodeQueuePrefix);
}
