using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Serverless.Functions.Storage;

namespace Serverless.Functions.Calls;

/// <summary>One index row: a call due (or carried by a node), with the row's version for a conditional delete.</summary>
public sealed record CallIndexRow(string PartitionKey, string CallId, DateTimeOffset? DueAt, ETag ETag);

/// <summary>
/// The calls the sweeper and the node watch look for, so neither scans the calls table (table
/// <see cref="CallStoreOptions.CallIndexTable"/>):
/// <list type="bullet">
/// <item>by deadline: partition <c>due-yyyyMMddHHmm</c> (the UTC minute of the call's next due time: its state's
/// deadline while live, the node's final report after), row = call id;</item>
/// <item>by node: partition <c>node-{nodeId}</c>, row = call id, while a live call is carried by that node;</item>
/// <item>node watches: partition <c>watch</c>, row = node, while a node's watch messages run.</item>
/// </list>
/// A row is written before the call's transaction that sets its time or node (a lost ETag race leaves a row the
/// reader finds stale and deletes), and the row it replaces is deleted after the commit. Readers check every row
/// against the call itself, so a stale or missing delete never ends a call wrongly. After the commit the call's
/// due time is also sent to the <c>call-deadlines</c> queue and a newly carried call arms its node's watch: the
/// queue does the work on time; the index lets the slow safety sweep find what a lost message missed.
/// </summary>
public sealed partial class CallIndex
{
    public const string WatchPartition = "watch";
    private const string DuePrefix = "due-";
    private const string NodePrefix = "node-";

    private readonly TableClient _table;
    private readonly WorkScheduler? _queue;
    private readonly TimeSpan _nodeCheckInterval;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public CallIndex(TableClient table, WorkScheduler? queue, TimeSpan nodeCheckInterval, TimeProvider time, ILogger logger)
    {
        _table = table;
        _queue = queue;
        _nodeCheckInterval = nodeCheckInterval;
        _time = time;
        _logger = logger;
    }

    /// <summary>When the sweeper owes this call something: its state's deadline while live, else the node's final report.</summary>
    public static DateTimeOffset? DueOf(CallRecord? call)
    {
        if (call is null)
        {
            return null;
        }

        var deadline = call.IsFinal ? null : call.Deadline;
        return (deadline, call.MediaReportDue) switch
        {
            ({ } d, { } r) => d < r ? d : r,
            ({ } d, null) => d,
            (null, { } r) => r,
            _ => null,
        };
    }

    public static string DuePartition(DateTimeOffset due) => DuePrefix + due.UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);

    public static string NodePartition(string nodeId) =>
        NodePrefix + (nodeId.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c)) || nodeId.Length > 200 ? CallStoreKeys.Hash(nodeId) : nodeId);

    private static string? LiveNode(CallRecord? call) => call is { IsFinal: false, NodeId: { Length: > 0 } node } ? node : null;

    /// <summary>Before the transaction that turns <paramref name="before"/> into <paramref name="after"/>: the rows it needs.</summary>
    public async Task BeforeCommitAsync(CallRecord? before, CallRecord after, CancellationToken cancellationToken)
    {
        if (DueOf(after) is { } due && due != DueOf(before))
        {
            await _table.UpsertEntityAsync(
                new TableEntity(DuePartition(due), after.CallId) { ["DueAt"] = due }, TableUpdateMode.Replace, cancellationToken);
        }

        if (LiveNode(after) is { } node && LiveNode(before) != node)
        {
            await _table.UpsertEntityAsync(new TableEntity(NodePartition(node), after.CallId) { ["NodeId"] = node }, TableUpdateMode.Replace, cancellationToken);
        }
    }

    /// <summary>After the commit: drops the replaced rows, sends the new due time, arms the node's watch.</summary>
    public async Task AfterCommitAsync(CallRecord? before, CallRecord after, CancellationToken cancellationToken)
    {
        var oldDue = DueOf(before);
        var newDue = DueOf(after);
        if (oldDue is { } old && (newDue is not { } renewed || DuePartition(old) != DuePartition(renewed)))
        {
            await DeleteAsync(DuePartition(old), after.CallId, ETag.All, cancellationToken);
        }

        if (LiveNode(before) is { } oldNode && LiveNode(after) != oldNode)
        {
            await DeleteAsync(NodePartition(oldNode), after.CallId, ETag.All, cancellationToken);
        }

        if (_queue is null)
        {
            return;
        }

        if (newDue is { } due && due != oldDue)
        {
            await _queue.ScheduleAsync(WorkQueueOptions.CallDeadlines, after.CallId, due, cancellationToken);
        }

        if (LiveNode(after) is { } node && LiveNode(before) != node)
        {
            await ArmNodeWatchAsync(node, cancellationToken);
        }
    }

    /// <summary>Rows due by <paramref name="now"/>, oldest minute first (reads only the due partitions up to now).</summary>
    public async Task<IReadOnlyList<CallIndexRow>> DueByAsync(DateTimeOffset now, int maxCount, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {DuePrefix} and PartitionKey le {DuePartition(now)}");
        var rows = new List<CallIndexRow>();
        await foreach (var e in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            var dueAt = e.GetDateTimeOffset("DueAt");
            if (dueAt is { } d && d > now)
            {
                continue;
            }

            rows.Add(new CallIndexRow(e.PartitionKey, e.RowKey, dueAt, e.ETag));
            if (rows.Count == maxCount)
            {
                break;
            }
        }

        return rows;
    }

    /// <summary>Rows of the calls <paramref name="nodeId"/> carries (one partition).</summary>
    public async Task<IReadOnlyList<CallIndexRow>> OnNodeAsync(string nodeId, int maxCount, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {NodePartition(nodeId)}");
        var rows = new List<CallIndexRow>();
        await foreach (var e in _table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(maxCount, 1000), cancellationToken: cancellationToken))
        {
            rows.Add(new CallIndexRow(e.PartitionKey, e.RowKey, null, e.ETag));
            if (rows.Count == maxCount)
            {
                break;
            }
        }

        return rows;
    }

    /// <summary>Deletes a row a reader found stale: only the version it read (a row rewritten since stays).</summary>
    public Task ForgetAsync(CallIndexRow row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(row);
        return DeleteAsync(row.PartitionKey, row.CallId, row.ETag, cancellationToken);
    }

    /// <summary>
    /// Starts the node's watch unless one runs: a <c>watch</c> row (until when the chain is known alive) and the first
    /// message one check interval on. Two arms at once: one adds the row and sends, the other sees it.
    /// </summary>
    public async Task ArmNodeWatchAsync(string nodeId, CancellationToken cancellationToken)
    {
        if (_queue is null)
        {
            return;
        }

        var now = _time.GetUtcNow();
        var next = now + _nodeCheckInterval;
        var row = new TableEntity(WatchPartition, NodePartition(nodeId)) { ["NodeId"] = nodeId, ["Next"] = next, ["Until"] = now + (3 * _nodeCheckInterval) };
        try
        {
            var existing = await _table.GetEntityIfExistsAsync<TableEntity>(WatchPartition, row.RowKey, cancellationToken: cancellationToken);
            if (existing.HasValue)
            {
                if (existing.Value!.GetDateTimeOffset("Until") is { } until && until > now)
                {
                    return; // a chain runs
                }

                await _table.UpdateEntityAsync(row, existing.Value.ETag, TableUpdateMode.Replace, cancellationToken);
            }
            else
            {
                await _table.AddEntityAsync(row, cancellationToken);
            }
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            return; // another arm won
        }

        await _queue.ScheduleAsync(WorkQueueOptions.NodeWatch, nodeId, next, cancellationToken);
    }

    /// <summary>
    /// For the watch's handler: whether <paramref name="messageDueAt"/> is the chain's current message (a duplicate or
    /// stray delivery checks the node but does not fork the chain).
    /// </summary>
    public async Task<bool> IsCurrentWatchAsync(string nodeId, DateTimeOffset messageDueAt, CancellationToken cancellationToken)
    {
        var existing = await _table.GetEntityIfExistsAsync<TableEntity>(WatchPartition, NodePartition(nodeId), cancellationToken: cancellationToken);
        // Table Storage keeps times to the tick, but compare loosely: a chain's messages are an interval apart.
        return existing.HasValue && existing.Value!.GetDateTimeOffset("Next") is { } next && (next - messageDueAt).Duration() < TimeSpan.FromMilliseconds(1);
    }

    /// <summary>The watch goes on: the next check one interval from now.</summary>
    public async Task ContinueNodeWatchAsync(string nodeId, CancellationToken cancellationToken)
    {
        if (_queue is null)
        {
            return;
        }

        var now = _time.GetUtcNow();
        var next = now + _nodeCheckInterval;
        await _table.UpsertEntityAsync(
            new TableEntity(WatchPartition, NodePartition(nodeId)) { ["NodeId"] = nodeId, ["Next"] = next, ["Until"] = now + (3 * _nodeCheckInterval) },
            TableUpdateMode.Replace,
            cancellationToken);
        await _queue.ScheduleAsync(WorkQueueOptions.NodeWatch, nodeId, next, cancellationToken);
    }

    /// <summary>
    /// The node carries no call: the watch ends. The row goes first, then the node's calls are looked at again, so
    /// a call placed meanwhile either saw no chain (and armed one) or is seen here (and the watch goes on).
    /// </summary>
    public async Task StopNodeWatchAsync(string nodeId, CancellationToken cancellationToken)
    {
        await DeleteAsync(WatchPartition, NodePartition(nodeId), ETag.All, cancellationToken);
        if ((await OnNodeAsync(nodeId, 1, cancellationToken)).Count > 0)
        {
            await ArmNodeWatchAsync(nodeId, cancellationToken);
        }
    }

    private async Task DeleteAsync(string partition, string row, ETag etag, CancellationToken cancellationToken)
    {
        try
        {
            await _table.DeleteEntityAsync(partition, row, etag, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            // Gone already, or rewritten since it was read: either way not ours to delete.
        }
        catch (RequestFailedException ex)
        {
            // A row left behind is found stale by the next reader; the call's own row decides.
            LogIndexDeleteFailed(ex, partition);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Call index row in {Partition} not deleted; the next reader drops it")]
    private partial void LogIndexDeleteFailed(Exception exception, string partition);
}
