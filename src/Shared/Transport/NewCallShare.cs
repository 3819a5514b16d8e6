namespace Serverless.Shared.Transport;

/// <summary>A peer node's load as its last heartbeat row reported it (the MediaNodes' heartbeat table).</summary>
/// <param name="NodeId">The node (row key).</param>
/// <param name="ActiveCalls">Calls it carried at the beat.</param>
/// <param name="MaxCalls">Its capacity.</param>
/// <param name="FreeCapacity">New calls it could take at the beat (0 while draining or full).</param>
/// <param name="BeatAt">When it wrote the row, by its clock.</param>
/// <param name="Interval">Its heartbeat interval.</param>
public sealed record PeerLoad(string NodeId, int ActiveCalls, int MaxCalls, int FreeCapacity, DateTimeOffset BeatAt, TimeSpan Interval);

/// <summary>
/// Placement by free capacity over the shared new-calls queue (issue 17). Every node still competes for new calls,
/// but a node takes one only while its load is no more than <see cref="Slack"/> calls above the mean load of itself
/// and the peers that can take calls (by the peers' heartbeat rows, load = active ÷ MaxCalls, so unequal nodes share
/// by size). The emptier nodes therefore take what comes, and the fuller leave it; once they catch up all take again.
/// Each node knows its own count exactly; its peers' rows are written on every call they take (and every interval),
/// and read after each own write and when a view older than <see cref="RefreshWhenHeld"/> holds the node back.
/// A peer whose row is older than <see cref="FreshBeats"/> of its own intervals (dead, partitioned, or a clock far
/// off) is ignored, so a lost peer delays new calls by at most that, never strands them; with no fresh peer the node
/// takes up to its free capacity, as plain competing consumers. Thread-safe: the heartbeat writes the view, the
/// command receiver reads it.
/// </summary>
public sealed class NewCallShare(string nodeId, TimeProvider time)
{
    /// <summary>
    /// How old the view may get while it holds this node back before a fresh read is asked for
    /// (<see cref="RefreshWanted"/>): a peer that filled up since has said so in its row at once, and a held node must
    /// not leave its slots idle on an old view while starts wait.
    /// </summary>
    public static readonly TimeSpan RefreshWhenHeld = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Calls a node may be above the mean (rounded down) and still take one more. 0: a node takes only up to one call
    /// past the mean, so the fleet's spread at admission is one call; the worst moments come when a restarted, empty
    /// node pulls the mean down and holds every other node back while it catches up (their counts then drift apart by
    /// their own hang-ups), and a tighter admission starts that drift from a tighter fleet (docs/placement-simulation.md).
    /// </summary>
    public const int Slack = 0;

    /// <summary>Intervals after which a peer's row no longer counts.</summary>
    public const int FreshBeats = 2;

    private volatile IReadOnlyList<PeerLoad> _peers = [];
    private long _viewAtTicks;
    private long _askedAtTicks;

    /// <summary>Raised (on the caller's thread) when the view held this node back and is older than <see cref="RefreshWhenHeld"/>: read the rows and call <see cref="Observe"/>.</summary>
    public event Action? RefreshWanted;

    /// <summary>This node's id (its own row is not a peer).</summary>
    public string NodeId { get; } = nodeId;

    /// <summary>Replaces the view of the peers with the rows just read (this node's own row is skipped).</summary>
    public void Observe(IEnumerable<PeerLoad> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        _peers = [.. rows.Where(r => !string.Equals(r.NodeId, NodeId, StringComparison.Ordinal))];
        Interlocked.Exchange(ref _viewAtTicks, time.GetUtcNow().UtcTicks);
    }

    /// <summary>How many new calls this node may take now, given its own numbers.</summary>
    public int Room(int activeCalls, int maxCalls, int freeCapacity)
    {
        var now = time.GetUtcNow();
        var room = Room(activeCalls, maxCalls, freeCapacity, _peers, now);
        if (room == 0 && freeCapacity > 0)
        {
            // Held back: make sure it is by a recent view (one read per RefreshWhenHeld at most).
            var stale = now.UtcTicks - Interlocked.Read(ref _viewAtTicks) >= RefreshWhenHeld.Ticks;
            var asked = Interlocked.Read(ref _askedAtTicks);
            if (stale && now.UtcTicks - asked >= RefreshWhenHeld.Ticks && Interlocked.CompareExchange(ref _askedAtTicks, now.UtcTicks, asked) == asked)
            {
                RefreshWanted?.Invoke();
            }
        }

        return room;
    }

    /// <summary>
    /// The rule: at most <paramref name="freeCapacity"/>, and with a fresh peer that has room, at most as many as keep
    /// this node within <see cref="Slack"/> + 1 calls above the mean load (scaled to this node's size) of itself and
    /// those peers.
    /// </summary>
    public static int Room(int activeCalls, int maxCalls, int freeCapacity, IEnumerable<PeerLoad> peers, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(peers);
        if (freeCapacity <= 0 || maxCalls <= 0)
        {
            return Math.Max(0, freeCapacity);
        }

        // The mean load over this node and the fresh peers that can take calls (a full or draining peer is no one to
        // leave a call to).
        var sum = (double)activeCalls / maxCalls;
        var count = 1;
        foreach (var peer in peers)
        {
            if (peer.FreeCapacity <= 0 || peer.MaxCalls <= 0 || now - peer.BeatAt > peer.Interval * FreshBeats)
            {
                continue;
            }

            sum += (double)peer.ActiveCalls / peer.MaxCalls;
            count++;
        }

        if (count == 1)
        {
            return freeCapacity;
        }

        // The mean in this node's calls, rounded down (tiny epsilon: 0.6 * 100 must stay 60, not 59.999999).
        var level = (int)Math.Floor((sum / count * maxCalls) + 1e-9);
        return Math.Clamp(level + Slack + 1 - activeCalls, 0, freeCapacity);
    }
}
