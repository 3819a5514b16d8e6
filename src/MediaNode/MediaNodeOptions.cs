using System.Net;

namespace Serverless.MediaNode;

/// <summary>Settings of one MediaNode, bound from the <c>MediaNode</c> configuration section and validated at start.</summary>
public sealed class MediaNodeOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "MediaNode";

    /// <summary>This node's id (its command queue is <c>commands-{NodeId}</c>); defaults to the machine name.</summary>
    public string NodeId { get; set; } = DefaultNodeId();

    /// <summary>The address Meta reaches the node at (announced as host candidate; a container's public IP).</summary>
    public string? PublicAddress { get; set; }

    /// <summary>The one UDP port every call's media uses.</summary>
    public int UdpPort { get; set; } = 3478;

    /// <summary>Address the UDP port binds to (default: all IPv6 and IPv4 interfaces).</summary>
    public string BindAddress { get; set; } = IPAddress.IPv6Any.ToString();

    /// <summary>Also announce interface addresses besides <see cref="PublicAddress"/>.</summary>
    public bool AnnounceInterfaces { get; set; } = true;

    /// <summary>Optional STUN server (<c>host:port</c> as IP endpoint) for a server-reflexive candidate.</summary>
    public string? StunServer { get; set; }

    /// <summary>Most concurrent calls; a new call beyond it is answered with <c>MediaFailed{Capacity}</c>.</summary>
    public int MaxCalls { get; set; } = 500;

    /// <summary>
    /// Encode and decode Opus with the system libopus (<c>libopus0</c>, installed in the container image) when it
    /// loads, else with managed Concentus. Native costs roughly half the CPU per frame (docs/performance.md);
    /// the choice is logged at start.
    /// </summary>
    public bool UseNativeOpus { get; set; } = true;

    /// <summary>Port of the health endpoints (0 picks a free port, for tests).</summary>
    public int HttpPort { get; set; } = 8080;

    /// <summary>Address the health endpoints listen on.</summary>
    public string HttpBindAddress { get; set; } = "0.0.0.0";

    /// <summary>
    /// Local only: serves <c>POST /wake</c> on the HTTP port, the doorbell the Functions ring after queueing a command
    /// (<c>Transport:WakeUrls</c>) so the Storage Queues receiver asks its queues at once instead of at its next poll.
    /// Needs a loopback <see cref="HttpBindAddress"/> (the doorbell is unsigned). In Azure the node takes commands from
    /// Service Bus, which pushes to its long-polling receiver, so this stays off.
    /// </summary>
    public bool WakeEndpoint { get; set; }

    /// <summary>The Functions' media events endpoint (<c>…/api/media/events</c>).</summary>
    public Uri? EventsUrl { get; set; }

    /// <summary>Shared secret the events are HMAC-signed with (never logged).</summary>
    public string? EventsSecret { get; set; }

    /// <summary>
    /// Storage connection string for the heartbeat table, prompts and recordings: local runs (Azurite). In Azure set
    /// <see cref="BlobServiceUri"/> and <see cref="TableServiceUri"/> instead (the node's managed identity).
    /// </summary>
    public string? StorageConnectionString { get; set; }

    /// <summary>Blob endpoint of the node's account (prompts, recordings), reached with the node's identity.</summary>
    public Uri? BlobServiceUri { get; set; }

    /// <summary>Table endpoint of the node's account (heartbeats), reached with the node's identity.</summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary>True when storage is reached by identity (both service URIs set), not by connection string.</summary>
    internal bool UsesStorageIdentity => BlobServiceUri is not null && TableServiceUri is not null;

    /// <summary>Table the heartbeat rows go to.</summary>
    public string HeartbeatTable { get; set; } = "medianodes";

    /// <summary>
    /// Time between heartbeat rows. The Functions fail a node's calls <c>node-lost</c> after 3 missed intervals
    /// (at least <c>NodeWatch:DeadAfter</c>, 8 s): 2 s keeps a dead node's calls ending within about 13 s.
    /// </summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a call may take from its start command to media connected before it fails with Timeout.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// No answer to the ICE consent checks of a call's media for this long and the call's media is lost (reported
    /// as <c>ice-failed</c>): RFC 7675's 30 s. At least 8 s, since checks go out every 4–6 s.
    /// </summary>
    public TimeSpan ConsentTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long active calls may continue after shutdown starts before each is hung up.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Most undelivered events kept in memory (all calls together).</summary>
    public int MaxPendingEvents { get; set; } = 10_000;

    /// <summary>
    /// Most events in flight to the Functions at once, each of a different call (a call's own events go one after
    /// another). Bounds the node's concurrent POSTs while one slow or failing call cannot hold up the others.
    /// </summary>
    public int MaxParallelEventDeliveries { get; set; } = 16;

    /// <summary>First retry delay of an undelivered event; doubles per attempt up to <see cref="MaxEventRetryDelay"/>.</summary>
    public TimeSpan EventRetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest delay between attempts to deliver one event.</summary>
    public TimeSpan MaxEventRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Timeout of one event POST.</summary>
    public TimeSpan EventPostTimeout { get; set; } = TimeSpan.FromSeconds(10);

    private static string DefaultNodeId() => Environment.MachineName.ToLowerInvariant();
}
