using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Functions.Calls;
using Serverless.Functions.Storage;

namespace Serverless.Functions.Analytics;

/// <summary>The permission funnel's steps counted where they happen (the dial and answer steps come from the calls).</summary>
public enum PermissionFunnelStep
{
    Requested,
    Granted,
}

/// <summary>One stored rollup row: its period, its dimension (number, direction, outcome) and what it adds up to.</summary>
public sealed record RollupRow(
    RollupGranularity Granularity, DateTimeOffset Start, string PhoneNumberId, string Direction, string Outcome, CallRollup Rollup);

/// <summary>
/// The rollup table. A final call is added to three partitions: its hour, day and month (<c>h-…</c>, <c>d-…</c>,
/// <c>m-…</c>). In each, the row of its number, direction and outcome (<c>r|{number}|{direction}|{outcome}</c>) and, in
/// hour and day partitions, the period's total row (<c>t</c>) are updated in one entity-group batch with a marker row
/// <c>c|{callId}</c>: the batch either merges the call into both rows and writes the marker, or fails because the
/// marker exists (the call was counted: redelivered or reordered end) or a row's ETag moved (a concurrent call: re-read
/// and merge again). So each call is counted once per partition, and a crash between the three partitions is finished
/// by the redelivery without counting twice. The markers must share the rows' partition (a batch is one partition);
/// queries name the row keys they read, so they return rollup rows only: a year by day is 365 total rows.
/// </summary>
public sealed partial class CallRollupStore
{
    /// <summary>The outcome part of the permission funnel's rows (<c>r|{number}|outbound|permission</c>): no calls, only its counters.</summary>
    public const string PermissionRow = "permission";

    /// <summary>The row key of a period's total (hour and day partitions): every call and permission step of the period.</summary>
    internal const string TotalRow = "t";

    private const string RowPrefix = "r|";
    private const string MarkerPrefix = "c|";
    private static readonly string Outbound = WireText.Of(CallDirection.Outbound);

    // A table string property holds 32 K UTF-16 characters; larger rollups are split over Data0, Data1, ….
    private const int ChunkChars = 30_000;

    // A row is under the 1 MiB entity limit: at most this many chunks, so a query can name the columns it reads.
    private const int MaxChunks = 16;

    private static readonly string[] DataColumns = ["Chunks", .. Enumerable.Range(0, MaxChunks).Select(i => "Data" + i.ToString(CultureInfo.InvariantCulture))];
    private static readonly string[] RowColumns = ["PartitionKey", "RowKey", .. DataColumns];

    private readonly TableClient _table;
    private readonly TableInit _init;
    private readonly AnalyticsOptions _options;
    private readonly ILogger<CallRollupStore> _logger;

    public CallRollupStore(TableServiceClient client, IOptions<AnalyticsOptions> options, ILogger<CallRollupStore> logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _logger = logger;
        _table = client.GetTableClient(_options.TableName);
        _init = new TableInit(() => _table.CreateIfNotExistsAsync());
    }

    /// <summary>Adds a final call to its hour, day and month rows, once each however often it is called.</summary>
    public async Task RecordAsync(CallRecord call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (!call.IsFinal)
        {
            throw new ArgumentException("Only final calls are rolled up.", nameof(call));
        }

        await _init.EnsureAsync(cancellationToken);
        var rowKey = RowKey(call.BusinessPhoneNumberId, WireText.Of(call.Direction), call.Outcome is { } o ? WireText.Of(o) : "unknown");
        // The periods are separate partitions, each with its own marker and ETag: updated together, not one after
        // another (this runs while the node's next events, other calls' answers included, wait for its response).
        await Task.WhenAll(Enum.GetValues<RollupGranularity>().Select(granularity => AddToRowAsync(
            RollupPeriod.PartitionKey(RollupPeriod.Floor(call.CreatedAt, granularity), granularity), HasTotal(granularity), rowKey, call.CallId, r => r.Add(call), cancellationToken)));
    }

    // Hours and days keep a total row (groupBy=hour/day read only those); a month has none: month rows serve the
    // dimension groupings, which need the dimension rows anyway, and a month total would make every call of the month
    // race on one row.
    private static bool HasTotal(RollupGranularity granularity) => granularity != RollupGranularity.Month;

    /// <summary>
    /// Counts a step of the permission funnel (a request sent, a grant received) for a business number in the hour,
    /// day and month of <paramref name="at"/>, once per <paramref name="eventId"/> (Meta's message id) however often
    /// it is called: a redelivered webhook finds its marker.
    /// </summary>
    public async Task RecordPermissionAsync(string phoneNumberId, PermissionFunnelStep step, DateTimeOffset at, string eventId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(phoneNumberId);
        ArgumentException.ThrowIfNullOrEmpty(eventId);
        await _init.EnsureAsync(cancellationToken);
        var rowKey = RowKey(phoneNumberId, WireText.Of(CallDirection.Outbound), PermissionRow);
        // Table keys may not hold '/', '\', '#' or '?'; Meta's ids are base64-like, so replace rather than refuse.
        var marker = (step == PermissionFunnelStep.Requested ? "permReq|" : "permGrant|") + new string([.. eventId.Select(c => c is '/' or '\\' or '#' or '?' ? '_' : c)]);
        await Task.WhenAll(Enum.GetValues<RollupGranularity>().Select(granularity => AddToRowAsync(
            RollupPeriod.PartitionKey(RollupPeriod.Floor(at, granularity), granularity), HasTotal(granularity), rowKey, marker, r =>
            {
                if (step == PermissionFunnelStep.Requested)
                {
                    r.PermissionRequests++;
                }
                else
                {
                    r.PermissionGrants++;
                }
            }, cancellationToken)));
    }

    private async Task AddToRowAsync(string partition, bool withTotal, string rowKey, string markerId, Action<CallRollup> add, CancellationToken cancellationToken)
    {
        var marker = MarkerPrefix + markerId;
        for (var attempt = 1; attempt <= _options.MaxConcurrencyRetries; attempt++)
        {
            var totalRead = withTotal ? _table.GetEntityIfExistsAsync<TableEntity>(partition, TotalRow, cancellationToken: cancellationToken) : null;
            var existing = await _table.GetEntityIfExistsAsync<TableEntity>(partition, rowKey, cancellationToken: cancellationToken);
            var rollup = existing.HasValue ? Read(existing.Value!) : new CallRollup();
            add(rollup);
            var entity = Write(partition, rowKey, rollup);
            List<TableTransactionAction> batch =
            [
                existing.HasValue
                    ? new(TableTransactionActionType.UpdateReplace, entity, existing.Value!.ETag)
                    : new(TableTransactionActionType.Add, entity),
                new(TableTransactionActionType.Add, new TableEntity(partition, marker)),
            ];
            var totalMissing = false;
            if (totalRead is not null)
            {
                var total = await totalRead;
                totalMissing = !total.HasValue;
                // A partition written before total rows existed gets its total from its rows, in this same batch: the
                // Add fails if anyone else created it meanwhile, and every writer creates it when it is missing.
                var sum = total.HasValue ? Read(total.Value!) : await SumRowsAsync(partition, cancellationToken);
                add(sum);
                batch.Add(total.HasValue
                    ? new(TableTransactionActionType.UpdateReplace, Write(partition, TotalRow, sum), total.Value!.ETag)
                    : new(TableTransactionActionType.Add, Write(partition, TotalRow, sum)));
            }

            try
            {
                await _table.SubmitTransactionAsync(batch, cancellationToken);
                return;
            }
            catch (TableTransactionFailedException ex) when (ex.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.NotFound)
            {
                if ((await _table.GetEntityIfExistsAsync<TableEntity>(partition, marker, select: ["PartitionKey"], cancellationToken: cancellationToken)).HasValue)
                {
                    LogAlreadyCounted(markerId, partition);
                    if (totalMissing)
                    {
                        // Counted before total rows existed (a backfill over old calls lands here): add the total now.
                        await EnsureTotalAsync(partition, cancellationToken);
                    }

                    return;
                }

                LogRace(markerId, partition, attempt);
            }
        }

        throw new InvalidOperationException($"Rollup row {partition}/{rowKey}: lost {_options.MaxConcurrencyRetries} ETag races in a row.");
    }

    /// <summary>The sum of a partition's dimension rows (its total, as the total row holds it).</summary>
    private async Task<CallRollup> SumRowsAsync(string partition, CancellationToken cancellationToken)
    {
        var sum = new CallRollup();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {RowPrefix} and RowKey lt {"r}"}");
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, select: RowColumns, cancellationToken: cancellationToken))
        {
            sum.Merge(ToRow(entity).Rollup);
        }

        return sum;
    }

    /// <summary>Adds a partition's total row from its dimension rows when it has none (rows stored before totals).</summary>
    private async Task EnsureTotalAsync(string partition, CancellationToken cancellationToken)
    {
        if ((await _table.GetEntityIfExistsAsync<TableEntity>(partition, TotalRow, select: ["PartitionKey"], cancellationToken: cancellationToken)).HasValue)
        {
            return;
        }

        try
        {
            await _table.AddEntityAsync(Write(partition, TotalRow, await SumRowsAsync(partition, cancellationToken)), cancellationToken);
            LogTotalAdded(partition);
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.Conflict)
        {
            // A live count created it meanwhile, from the same rows plus its call.
        }
    }

    /// <summary>
    /// Retention: deletes the rollup partitions (rows and call markers) whose whole period lies before
    /// <paramref name="cutoff"/> (hours and days before it; a month once its last day is), at most
    /// <paramref name="maxPartitions"/> per granularity per run. Returns the rows deleted.
    /// </summary>
    public async Task<int> PurgeBeforeAsync(DateTimeOffset cutoff, int maxPartitions, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPartitions, 1);
        await _init.EnsureAsync(cancellationToken);
        var deleted = 0;
        foreach (var granularity in Enum.GetValues<RollupGranularity>())
        {
            var prefix = RollupPeriod.PartitionKey(DateTimeOffset.UnixEpoch, granularity)[..2];
            var end = RollupPeriod.PartitionKey(RollupPeriod.Floor(cutoff, granularity), granularity);
            var filter = TableClient.CreateQueryFilter($"PartitionKey ge {prefix} and PartitionKey lt {end}");
            var partitions = new Dictionary<string, List<TableEntity>>(StringComparer.Ordinal);
            await foreach (var entity in _table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
            {
                if (!partitions.TryGetValue(entity.PartitionKey, out var rows))
                {
                    if (partitions.Count == maxPartitions)
                    {
                        break;
                    }

                    partitions[entity.PartitionKey] = rows = [];
                }

                rows.Add(entity);
            }

            foreach (var rows in partitions.Values)
            {
                // One entity-group transaction holds at most 100 operations.
                foreach (var chunk in rows.Chunk(100))
                {
                    await _table.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.Delete, e, ETag.All)), cancellationToken);
                    deleted += chunk.Length;
                }
            }
        }

        return deleted;
    }

    /// <summary>Every dimension row of the spans (each a contiguous range of one granularity), read in parallel.</summary>
    public Task<IReadOnlyList<RollupRow>> ReadAsync(
        IEnumerable<(RollupGranularity Granularity, DateTimeOffset Start, DateTimeOffset End)> spans, CancellationToken cancellationToken) =>
        ReadSpansAsync(spans, $"RowKey ge {RowPrefix} and RowKey lt {"r}"}", cancellationToken);

    /// <summary>
    /// The total rows of the spans (hour or day spans: months have none), one per period that has calls or permission
    /// steps, read in parallel; their number, direction and outcome are empty.
    /// </summary>
    public Task<IReadOnlyList<RollupRow>> ReadTotalsAsync(
        IEnumerable<(RollupGranularity Granularity, DateTimeOffset Start, DateTimeOffset End)> spans, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spans);
        var list = spans.ToList();
        if (list.Any(s => !HasTotal(s.Granularity)))
        {
            throw new ArgumentException("Months have no total rows.", nameof(spans));
        }

        return ReadSpansAsync(list, $"RowKey eq {TotalRow}", cancellationToken);
    }

    private async Task<IReadOnlyList<RollupRow>> ReadSpansAsync(
        IEnumerable<(RollupGranularity Granularity, DateTimeOffset Start, DateTimeOffset End)> spans, FormattableString rowFilter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spans);
        await _init.EnsureAsync(cancellationToken);
        var reads = spans.Select(span => ReadSpanAsync(span.Granularity, span.Start, span.End, rowFilter, cancellationToken)).ToList();
        var rows = new List<RollupRow>();
        foreach (var read in reads)
        {
            rows.AddRange(await read);
        }

        return rows;
    }

    private async Task<List<RollupRow>> ReadSpanAsync(
        RollupGranularity granularity, DateTimeOffset start, DateTimeOffset end, FormattableString rowFilter, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey ge {RollupPeriod.PartitionKey(start, granularity)} and PartitionKey lt {RollupPeriod.PartitionKey(end, granularity)}")
            + " and " + TableClient.CreateQueryFilter(rowFilter);
        var rows = new List<RollupRow>();
        // Only the columns a rollup is made of (not the timestamp or the Calls copy).
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, select: RowColumns, cancellationToken: cancellationToken))
        {
            rows.Add(ToRow(entity));
        }

        return rows;
    }

    private static RollupRow ToRow(TableEntity entity)
    {
        var (granularity, start) = RollupPeriod.Parse(entity.PartitionKey);
        var rollup = Read(entity);
        if (entity.RowKey == TotalRow)
        {
            return new RollupRow(granularity, start, "", "", "", rollup);
        }

        var parts = entity.RowKey.Split('|');
        if (parts[2] == Outbound && parts[3] != PermissionRow)
        {
            // Rows written before Dialled was stored lack it.
            rollup.Dialled = rollup.Calls;
            rollup.DialledAnswered = rollup.Answered;
        }

        return new RollupRow(granularity, start, parts[1], parts[2], parts[3], rollup);
    }

    private static string RowKey(string phoneNumberId, string direction, string outcome) =>
        RowPrefix + phoneNumberId + "|" + direction + "|" + outcome;

    private static CallRollup Read(TableEntity entity)
    {
        var chunks = entity.GetInt32("Chunks") ?? 0;
        var json = new StringBuilder();
        for (var i = 0; i < chunks; i++)
        {
            json.Append(entity.GetString("Data" + i.ToString(CultureInfo.InvariantCulture)));
        }

        return JsonSerializer.Deserialize(json.ToString(), AnalyticsJsonContext.Default.CallRollup)
            ?? throw new InvalidDataException($"Rollup row {entity.PartitionKey}/{entity.RowKey} is empty.");
    }

    /// <summary>A rollup as its table row (internal: the analytics benchmark seeds a year of rows with it).</summary>
    internal static TableEntity Write(string partition, string rowKey, CallRollup rollup)
    {
        var json = JsonSerializer.Serialize(rollup, AnalyticsJsonContext.Default.CallRollup);
        var entity = new TableEntity(partition, rowKey) { ["Calls"] = rollup.Calls };
        var chunks = 0;
        for (var offset = 0; offset < json.Length; offset += ChunkChars, chunks++)
        {
            entity["Data" + chunks.ToString(CultureInfo.InvariantCulture)] = json.Substring(offset, Math.Min(ChunkChars, json.Length - offset));
        }

        if (chunks > MaxChunks)
        {
            throw new InvalidOperationException($"Rollup row {partition}/{rowKey} needs {chunks} chunks, more than {MaxChunks}.");
        }

        entity["Chunks"] = chunks;
        return entity;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Counted}: already counted in rollup {Partition}")]
    private partial void LogAlreadyCounted(string counted, string partition);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rollup {Partition}: total row added from its rows (stored before total rows)")]
    private partial void LogTotalAdded(string partition);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Counted}: rollup {Partition} changed meanwhile (attempt {Attempt}), merging again")]
    private partial void LogRace(string counted, string partition, int attempt);
}
