using System.ComponentModel.DataAnnotations;

namespace Serverless.Functions.Nodes;

/// <summary>
/// Section <see cref="SectionName"/>: where the MediaNodes' heartbeat rows are and when a silent node counts as dead.
/// With the node's default 2 s heartbeat, <see cref="DeadAfter"/> 8 s and the node's watch checking every 5 s
/// (<c>WorkQueues:NodeCheckInterval</c>, <c>Sweeper/NodeWatchFunction</c>), a killed node's calls end within about 13 s plus the terminates.
/// </summary>
public sealed class NodeWatchOptions : IValidatableObject
{
    public const string SectionName = "NodeWatch";

    /// <summary>Table endpoint of the nodes' account, reached with the app's identity (Azure). Wins over <see cref="ConnectionString"/>.</summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary>Local runs (Azurite). When neither this nor <see cref="TableServiceUri"/> is set, the app's own table account is used.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The nodes' heartbeat table (<c>MediaNode:HeartbeatTable</c>).</summary>
    public string HeartbeatTable { get; set; } = "medianodes";

    /// <summary>
    /// A node whose last heartbeat is older than this is dead. A node that reports its interval is given at least
    /// <see cref="MissedBeats"/> of them, so a node configured to beat slowly is not declared dead by mistake.
    /// </summary>
    public TimeSpan DeadAfter { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>How many of a node's own heartbeat intervals must pass silently before it is dead.</summary>
    public int MissedBeats { get; set; } = 3;

    /// <summary>Most calls of one dead node ended per run; the next run continues.</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>
    /// <c>Retry-After</c> of a dial refused 503 <c>no-media-capacity</c> (every live node full or draining), and how
    /// long the dial scheduler waits before it looks again. About two node heartbeats: a freed slot shows by then.
    /// </summary>
    public TimeSpan FullRetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (DeadAfter <= TimeSpan.Zero || DeadAfter > TimeSpan.FromMinutes(5))
        {
            yield return new ValidationResult("NodeWatch:DeadAfter must be positive and at most 5 minutes (calls of a dead node must end quickly).");
        }

        if (MissedBeats < 2)
        {
            yield return new ValidationResult("NodeWatch:MissedBeats must be at least 2 (one late heartbeat must not kill a node's calls).");
        }

        if (FullRetryAfter < TimeSpan.FromSeconds(1) || FullRetryAfter > TimeSpan.FromMinutes(5))
        {
            yield return new ValidationResult("NodeWatch:FullRetryAfter must be from 1 second to 5 minutes.");
        }

        if (BatchSize <= 0)
        {
            yield return new ValidationResult("NodeWatch:BatchSize must be positive.");
        }

        if (string.IsNullOrWhiteSpace(HeartbeatTable))
        {
            yield return new ValidationResult("NodeWatch:HeartbeatTable is required (the nodes' MediaNode:HeartbeatTable).");
        }
    }
}
