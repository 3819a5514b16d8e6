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
/// The rollup table. A final call is added to three rows: its hour, day and month (partition <c>h-…</c>, <c>d-…</c>,
/// <c>m-…</c>), each row keyed by number, direction and outcome (<c>r|{number}|{direction}|{outcome}</c>). Each row is
/// updated in a batch with a marker row <c>c|{callId}</c> in the same partition: the batch either merges the call and
/// writes the marker, or fails because the marker exists (the call was counted: redelivered or reordered end) or the
/// row's ETag moved (a concurrent call: re-read and merge again). So each call is counted once per row, and a crash
/// between the three rows is finished by the redelivery without counting twice.
/// </summary>
public sealed partial class CallRollupStore
{
    /// <summary>The outcome part of the permission funnel's rows (<c>r|{number}|outbound|permission</c>): no calls, only its counters.</summary>
    public const string PermissionRow = "permission";

    private const string RowPrefix = "r|";
    private const string MarkerPrefix = "c|";
    private static readonly string Outbound = WireText.Of(CallDirection.Outbound);

    // A table string property holds 32 K UTF-16 characters; larger rollups are split over Data0, Data1, ….
    private const int ChunkChars = 30_000;

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
            RollupPeriod.PartitionKey(RollupPeriod.Floor(call.CreatedAt, granularity), granularity), rowKey, call.CallId, r => r.Add(call), cancellationToken)));
    }

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
            RollupPeriod.PartitionKey(RollupPeriod.Floor(at, granularity), granularity), rowKey, marker, r =>
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

    private async Task AddToRowAsync(string partition, string rowKey, string markerId, Action<CallRollup> add, CancellationToken cancellationToken)
    {
        var marker = MarkerPrefix + markerId;
        for (var attempt = 1; attempt <= _options.MaxConcurrencyRetries; attempt++)
        {
            var existing = await _table.GetEntityIfExistsAsync<TableEntity>(partition, rowKey, cancellationToken: cancellationToken);
            var rollup = existing.HasValue ? Read(existing.Value!) : new CallRollup();
            add(rollup);
            var entity = Write(partition, rowKey, rollup);
            TableTransactionAction update = existing.HasValue
                ? new(TableTransactionActionType.UpdateReplace, entity, existing.Value!.ETag)
                : new(TableTransactionActionType.Add, entity);
            try
            {
                await _table.SubmitTransactionAsync(
                    [update, new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(partition, marker))],
                    cancellationToken);
                return;
            }
            catch (TableTransactionFailedException ex) when (ex.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.NotFound)
            {
                if ((await _table.GetEntityIfExistsAsync<TableEntity>(partition, marker, select: ["PartitionKey"], cancellationToken: cancellationToken)).HasValue)
                {
                    LogAlreadyCounted(markerId, partition);
                    return;
                }

                LogRace(markerId, partition, attempt);
            }
        }

        throw new InvalidOperationException($"Rollup row {partition}/{rowKey}: lost {_options.MaxConcurrencyRetries} ETag races in a row.");
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

    /// <summary>Every row of the spans (each a contiguous range of one granularity), read in parallel.</summary>
    public async Task<IReadOnlyList<RollupRow>> ReadAsync(
        IEnumerable<(RollupGranularity Granularity, DateTimeOffset Start, DateTimeOffset End)> spans, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spans);
        await _init.EnsureAsync(cancellationToken);
        var reads = spans.Select(span => ReadSpanAsync(span.Granularity, span.Start, span.End, cancellationToken)).ToList();
        var rows = new List<RollupRow>();
        foreach (var read in reads)
        {
            rows.AddRange(await read);
        }

        return rows;
    }

    private async Task<List<RollupRow>> ReadSpanAsync(RollupGranularity granularity, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey ge {RollupPeriod.PartitionKey(start, granularity)} and PartitionKey lt {RollupPeriod.PartitionKey(end, granularity)} and RowKey ge {RowPrefix} and RowKey lt {"r}"}");
        var rows = new List<RollupRow>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            var (rowGranularity, rowStart) = RollupPeriod.Parse(entity.PartitionKey);
            var parts = entity.RowKey.Split('|');
            var rollup = Read(entity);
            if (parts[2] == Outbound && parts[3] != PermissionRow)
            {
                rollup.Dialled = rollup.Calls;
                rollup.DialledAnswered = rollup.Answered;
            }

            rows.Add(new RollupRow(rowGranularity, rowStart, parts[1], parts[2], parts[3], rollup));
        }

        return rows;
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

    private static TableEntity Write(string partition, string rowKey, CallRollup rollup)
    {
        var json = JsonSerializer.Serialize(rollup, AnalyticsJsonContext.Default.CallRollup);
        var entity = new TableEntity(partition, rowKey) { ["Calls"] = rollup.Calls };
        var chunks = 0;
        for (var offset = 0; offset < json.Length; offset += ChunkChars, chunks++)
        {
            entity["Data" + chunks.ToString(CultureInfo.InvariantCulture)] = json.Substring(offset, Math.Min(ChunkChars, json.Length - offset));
        }

        entity["Chunks"] = chunks;
        return entity;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Counted}: already counted in rollup {Partition}")]
    private partial void LogAlreadyCounted(string counted, string partition);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Counted}: rollup {Partition} changed meanwhile (attempt {Attempt}), merging again")]
    private partial void LogRace(string counted, string partition, int attempt);
}
