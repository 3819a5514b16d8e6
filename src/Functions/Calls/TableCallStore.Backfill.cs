using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;

namespace Serverless.Functions.Calls;

/// <summary>How far the call index backfill got: calls it indexed in this run, and whether it is done for good.</summary>
public sealed record CallIndexBackfillResult(int Indexed, bool Done);

public sealed partial class TableCallStore
{
    private volatile bool _indexBackfilled;

    /// <summary>
    /// Indexes calls created before the call index existed (they have no index rows, so the sweeper and the node
    /// watch would never see them): reads the live calls a page at a time and writes their deadline and node rows
    /// as a new call's commit would. One-time and resumable: a marker row in the index keeps the position after each
    /// page and says when it is done; every row is an upsert checked by its readers, so a run repeated or racing a
    /// live transition does no harm. Reads at most <paramref name="maxPages"/> pages per run.
    /// </summary>
    public async Task<CallIndexBackfillResult> BackfillIndexAsync(int pageSize, int maxPages, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPages, 1);
        // Done for good once: the sweeper asks every run, and the marker row need not be read again by this instance.
        if (_indexBackfilled)
        {
            return new CallIndexBackfillResult(0, true);
        }

        await InitializeAsync(cancellationToken);
        var (done, position) = await _index.ReadBackfillAsync(cancellationToken);
        if (done)
        {
            _indexBackfilled = true;
            return new CallIndexBackfillResult(0, true);
        }

        // Only calls not yet final can owe the sweeper anything (a final call's node report is due within minutes).
        var filter = TableClient.CreateQueryFilter(
            $"Kind eq {CallStoreKeys.CallKind} and State ne {nameof(CallState.Ended)} and State ne {nameof(CallState.Failed)}");
        var indexed = 0;
        var pages = 0;
        var nodes = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var page in _calls.QueryAsync<TableEntity>(filter, pageSize, cancellationToken: cancellationToken).AsPages(position, pageSize))
        {
            foreach (var entity in page.Values)
            {
                var call = CallEntityMapper.ToCall(entity);
                await _index.BeforeCommitAsync(null, call, cancellationToken);
                if (call.NodeId is { Length: > 0 } node && nodes.Add(node))
                {
                    await _index.ArmNodeWatchAsync(node, cancellationToken);
                }

                indexed++;
            }

            position = page.ContinuationToken;
            await _index.SaveBackfillAsync(position is null, position, cancellationToken);
            if (position is null)
            {
                _indexBackfilled = true;
                LogBackfilled(indexed);
                return new CallIndexBackfillResult(indexed, true);
            }

            if (++pages == maxPages)
            {
                break;
            }
        }

        return new CallIndexBackfillResult(indexed, position is null);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Call index backfill done ({Count} live calls indexed in its last run)")]
    private partial void LogBackfilled(int count);
}

/// <summary>The backfill's marker row in the call index (partition <c>backfill</c>, outside the due and node ranges).</summary>
public sealed partial class CallIndex
{
    private const string BackfillPartition = "backfill";
    private const string BackfillRow = "v1";

    /// <summary>Whether the backfill is done, and where it stopped (the calls query's continuation) if not.</summary>
    public async Task<(bool Done, string? Position)> ReadBackfillAsync(CancellationToken cancellationToken)
    {
        var marker = await _table.GetEntityIfExistsAsync<TableEntity>(BackfillPartition, BackfillRow, cancellationToken: cancellationToken);
        return marker.HasValue
            ? (marker.Value!.GetBoolean("Done") == true, marker.Value.GetString("Position"))
            : (false, null);
    }

    /// <summary>Keeps the backfill's progress: after each page, so a run cut short resumes there.</summary>
    public Task SaveBackfillAsync(bool done, string? position, CancellationToken cancellationToken) =>
        _table.UpsertEntityAsync(
            new TableEntity(BackfillPartition, BackfillRow) { ["Done"] = done, ["Position"] = position, ["SavedAt"] = _time.GetUtcNow() },
            TableUpdateMode.Replace,
            cancellationToken);
}
