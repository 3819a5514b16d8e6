using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Functions.Calls;

namespace Serverless.Functions.Analytics;

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
    private const string RowPrefix = "r|";
    private const string MarkerPrefix = "c|";

    // A table string property holds 32 K UTF-16 characters; larger rollups are split over Data0, Data1, ….
    private const int ChunkChars = 30_000;

    private readonly TableClient _table;
    private readonly Lazy<Task> _init;
    private readonly AnalyticsOptions _options;
    private readonly ILogger<CallRollupStore> _logger;

    public CallRollupStore(TableServiceClient client, IOptions<AnalyticsOptions> options, ILogger<CallRollupStore> logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _logger = logger;
        _table = client.GetTableClient(_options.TableName);
        _init = new Lazy<Task>(() => _table.CreateIfNotExistsAsync());
    }

    /// <summary>Adds a final call to its hour, day and month rows, once each however often it is called.</summary>
    public async Task RecordAsync(CallRecord call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (!call.IsFinal)
        {
            throw new ArgumentException("Only final calls are rolled up.", nameof(call));
        }

        await _init.Value;
        var rowKey = RowKey(call.BusinessPhoneNumberId, WireText.Of(call.Direction), call.Outcome is { } o ? WireText.Of(o) : "unknown");
        // The periods are separate partitions, each with its own marker and ETag: updated together, not one after
        // another (this runs while the node's next events, other calls' answers included, wait for its response).
        await Task.WhenAll(Enum.GetValues<RollupGranularity>().Select(granularity => AddToRowAsync(
            RollupPeriod.PartitionKey(RollupPeriod.Floor(call.CreatedAt, granularity), granularity), rowKey, call, cancellationToken)));
    }

    private async Task AddToRowAsync(string partition, string rowKey, CallRecord call, CancellationToken cancellationToken)
    {
        var marker = MarkerPrefix + call.CallId;
        for (var attempt = 1; attempt <= _options.MaxConcurrencyRetries; attempt++)
        {
            var existing = await _table.GetEntityIfExistsAsync<TableEntity>(partition, rowKey, cancellationToken: cancellationToken);
            var rollup = existing.HasValue ? Read(existing.Value!) : new CallRollup();
            rollup.Add(call);
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
                    LogAlreadyCounted(call.CallId, partition);
                    return;
                }

                LogRace(call.CallId, partition, attempt);
            }
        }

        throw new InvalidOperationException($"Rollup row {partition}/{rowKey}: lost {_options.MaxConcurrencyRetries} ETag races in a row.");
    }

    /// <summary>Every row of the spans (each a contiguous range of one granularity), read in parallel.</summary>
    public async Task<IReadOnlyList<RollupRow>> ReadAsync(
        IEnumerable<(RollupGranularity Granularity, DateTimeOffset Start, DateTimeOffset End)> spans, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spans);
        await _init.Value;
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
            rows.Add(new RollupRow(rowGranularity, rowStart, parts[1], parts[2], parts[3], Read(entity)));
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Call {CallId}: already counted in rollup {Partition}")]
    private partial void LogAlreadyCounted(string callId, string partition);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Call {CallId}: rollup {Partition} changed meanwhile (attempt {Attempt}), merging again")]
    private partial void LogRace(string callId, string partition, int attempt);
}
