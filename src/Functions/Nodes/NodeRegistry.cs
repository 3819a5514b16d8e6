using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace Serverless.Functions.Nodes;

/// <summary>One node's last heartbeat row as the node wrote it (MediaNode <c>HeartbeatService</c>).</summary>
/// <param name="NodeId">The node (row key).</param>
/// <param name="BeatAt">When the node wrote the row, by its clock.</param>
/// <param name="Interval">The node's heartbeat interval, when it reports one.</param>
/// <param name="ActiveCalls">Calls the node carried at the beat.</param>
/// <param name="Draining">Whether the node was stopping.</param>
/// <param name="ETag">The row's version: forgetting a node never deletes a newer beat.</param>
/// <param name="FreeCapacity">New calls the node could still take at the beat (0 while draining); null when the row has none.</param>
public sealed record NodeBeat(string NodeId, DateTimeOffset BeatAt, TimeSpan? Interval, int ActiveCalls, bool Draining, ETag ETag, int? FreeCapacity = null);

/// <summary>What the heartbeat rows say about room for a new call.</summary>
public enum NodeRoom
{
    /// <summary>A live node that is not draining reported free capacity.</summary>
    Available,

    /// <summary>Live nodes report, and every one of them is full or draining: a new call would wait in vain.</summary>
    Full,

    /// <summary>
    /// No live node reports (none started yet, all dead, the table lost, or scaled to zero): nothing to judge by, so a
    /// new call is queued for whichever node comes; the placement window still fails it if none takes it.
    /// </summary>
    Unknown,
}

/// <summary>
/// Reads the MediaNodes' heartbeat rows (partition <see cref="PartitionKey"/>, row = node id) and tells which nodes
/// are dead: silent longer than <see cref="NodeWatchOptions.DeadAfter"/> and <see cref="NodeWatchOptions.MissedBeats"/>
/// of their own intervals.
/// </summary>
public sealed class NodeRegistry(NodeHeartbeatTable heartbeats, IOptions<NodeWatchOptions> options, TimeProvider time)
{
    /// <summary>Partition of every node row (the MediaNode writes the same constant).</summary>
    public const string PartitionKey = "medianode";

    /// <summary>Every node row; empty when the table does not exist yet (no node ever beat, or storage came back empty).</summary>
    public async Task<IReadOnlyList<NodeBeat>> ListAsync(CancellationToken cancellationToken)
    {
        var rows = new List<NodeBeat>();
        try
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {PartitionKey}");
            await foreach (var e in heartbeats.Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            {
                if (e.GetDateTimeOffset("BeatAt") is not { } beatAt)
                {
                    continue;
                }

                var interval = e.GetDouble("IntervalSeconds") is { } seconds and > 0 ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
                rows.Add(new NodeBeat(
                    e.RowKey, beatAt, interval, e.GetInt32("ActiveCalls") ?? 0, e.GetBoolean("Draining") ?? false, e.ETag, e.GetInt32("FreeCapacity")));
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return [];
        }

        return rows;
    }

    /// <summary>The nodes silent past the threshold now.</summary>
    public async Task<IReadOnlyList<NodeBeat>> ListDeadAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var rows = await ListAsync(cancellationToken);
        return rows.Where(r => IsDead(r, now)).ToList();
    }

    /// <summary>
    /// Whether a new call has somewhere to go, by the nodes' last beats: <see cref="NodeRoom.Full"/> only when at least
    /// one live node reports and none has room. A beat is at most one interval old (nodes also beat at once when they
    /// fill up, free up or start draining), so a call refused here was refused by the nodes a moment ago.
    /// </summary>
    public async Task<NodeRoom> FindRoomAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var live = (await ListAsync(cancellationToken)).Where(r => !IsDead(r, now)).ToList();
        return Judge(live);
    }

    /// <summary>The room verdict over live nodes' beats (pure: the rule of <see cref="FindRoomAsync"/>).</summary>
    public static NodeRoom Judge(IReadOnlyCollection<NodeBeat> live)
    {
        ArgumentNullException.ThrowIfNull(live);
        if (live.Count == 0)
        {
            return NodeRoom.Unknown;
        }

        // A row without FreeCapacity (a node older than the field) counts as room: only a node that says it is full is.
        return live.Any(r => !r.Draining && r.FreeCapacity is null or > 0) ? NodeRoom.Available : NodeRoom.Full;
    }

    /// <summary>Whether <paramref name="beat"/> is too old at <paramref name="now"/>.</summary>
    public bool IsDead(NodeBeat beat, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(beat);
        var o = options.Value;
        var threshold = beat.Interval is { } interval && interval * o.MissedBeats > o.DeadAfter ? interval * o.MissedBeats : o.DeadAfter;
        return now - beat.BeatAt > threshold;
    }

    /// <summary>
    /// Deletes a dead node's row once its calls are ended, so later runs do not look for them again. Only that version:
    /// a node that came back and beat since keeps its new row.
    /// </summary>
    public async Task ForgetAsync(NodeBeat beat, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(beat);
        try
        {
            await heartbeats.Table.DeleteEntityAsync(PartitionKey, beat.NodeId, beat.ETag, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            // Gone already (another watcher) or the node beat again: nothing to forget.
        }
    }
}

/// <summary>The heartbeat table client (its own type: the app's other tables may live in another account).</summary>
public sealed class NodeHeartbeatTable(TableClient table)
{
    public TableClient Table { get; } = table;
}
