using System.Net;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Functions.Calls;
using Serverless.Functions.Storage;

namespace Serverless.Functions.Analytics;

/// <summary>The analytics backfill's progress (<c>GET /api/analytics/backfill</c>).</summary>
public sealed record RollupBackfillState
{
    [JsonPropertyName("runId")]
    public required string RunId { get; init; }

    [JsonPropertyName("startedAt")]
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>Calls created before this are backfilled (later ones are counted live as they end).</summary>
    [JsonPropertyName("until")]
    public required DateTimeOffset Until { get; init; }

    /// <summary>Pages of call rows done.</summary>
    [JsonPropertyName("pages")]
    public int Pages { get; init; }

    /// <summary>Ended calls handed to the rollups (a call already counted, live or by an earlier run, changes nothing).</summary>
    [JsonPropertyName("calls")]
    public long Calls { get; init; }

    [JsonPropertyName("finishedAt")]
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>The page to do next (the call store's continuation token; empty: the first page).</summary>
    [JsonIgnore]
    public string Next { get; init; } = "";

    /// <summary>The page done last: a redelivered message for it sends the next page's message again.</summary>
    [JsonIgnore]
    public string? Previous { get; init; }

    [JsonIgnore]
    public ETag ETag { get; init; }
}

/// <summary>
/// Counts the calls stored before the rollups existed (or while their counting failed) into the rollups: a job of
/// queue messages (<see cref="WorkQueueOptions.AnalyticsBackfill"/>), one page of ended call rows each, every message
/// sending the next. Idempotent: each call goes through <see cref="CallRollupStore.RecordAsync"/>, whose per-call
/// markers make a call the live path counted (or an earlier page, run or redelivery) a no-op; it also gives partitions
/// stored before total rows their total. Resumable: the state row (ETag-guarded) holds the next page's token, so a
/// redelivered or duplicated message either finds its page done (and re-sends the next one) or does it once more
/// harmlessly; a new run supersedes an unfinished one. Only calls whose node report is in are counted (the others are
/// counted live when it comes). The permission funnel's past requests and grants cannot be backfilled: the permission
/// rows keep only each user's latest state, not the history of messages.
/// </summary>
public sealed partial class RollupBackfill(
    TableServiceClient tables,
    ICallStore calls,
    CallRollupStore rollups,
    WorkScheduler work,
    IOptions<AnalyticsOptions> options,
    TimeProvider time,
    ILogger<RollupBackfill> logger)
{
    /// <summary>Call rows per message: each is up to three rollup batches, so a page stays well inside a queue lease.</summary>
    public const int PageSize = 100;

    private const int Parallelism = 8;
    private const string StatePartition = "backfill";
    private const string StateRow = "state";

    private readonly TableClient _table = tables.GetTableClient(options.Value.TableName);

    // The rollup table, created (and again after a storage loss) as the rollup store creates it: not on every page.
    private readonly TableInit _init = new(() => tables.GetTableClient(options.Value.TableName).CreateIfNotExistsAsync(), time);

    /// <summary>Starts a run over every ended call created before now (an unfinished run is superseded).</summary>
    public async Task<RollupBackfillState> StartAsync(CancellationToken cancellationToken)
    {
        await _init.EnsureAsync(cancellationToken);
        var now = time.GetUtcNow();
        var state = new RollupBackfillState { RunId = Guid.NewGuid().ToString("N"), StartedAt = now, Until = now };
        await _table.UpsertEntityAsync(ToEntity(state), TableUpdateMode.Replace, cancellationToken);
        await work.ScheduleAsync(WorkQueueOptions.AnalyticsBackfill, MessageId(state.RunId, ""), now, cancellationToken);
        LogStarted(state.RunId, state.Until);
        return state;
    }

    public async Task<RollupBackfillState?> GetAsync(CancellationToken cancellationToken)
    {
        await _init.EnsureAsync(cancellationToken);
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(StatePartition, StateRow, cancellationToken: cancellationToken);
        return row.HasValue ? ToState(row.Value!) : null;
    }

    /// <summary>Does the page a queue message names (<c>{runId}|{token}</c>) and sends the next page's message.</summary>
    public async Task RunPageAsync(string messageId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        var bar = messageId.IndexOf('|', StringComparison.Ordinal);
        if (bar < 0)
        {
            LogDropped("not a backfill message");
            return;
        }

        var (runId, token) = (messageId[..bar], messageId[(bar + 1)..]);
        var state = await GetAsync(cancellationToken);
        if (state is null || state.RunId != runId || state.FinishedAt is not null)
        {
            LogDropped(state is null ? "no run" : state.RunId != runId ? "superseded run" : "run finished");
            return;
        }

        if (state.Next != token)
        {
            if (state.Previous == token)
            {
                // This page was done, but the next page's message may not have been sent (a crash in between).
                await work.ScheduleAsync(WorkQueueOptions.AnalyticsBackfill, MessageId(runId, state.Next), time.GetUtcNow(), cancellationToken);
            }

            return;
        }

        var page = await calls.ListEndedAsync(
            new EndedCallFilter(DateTimeOffset.UnixEpoch, state.Until), token.Length == 0 ? null : token, PageSize, cancellationToken);
        var reported = page.Calls.Where(c => c.IsReported).ToList();
        await Parallel.ForEachAsync(reported, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (call, ct) => await rollups.RecordAsync(call, ct));

        var next = state with
        {
            Previous = token,
            Next = page.ContinuationToken ?? "",
            Pages = state.Pages + 1,
            Calls = state.Calls + reported.Count,
            FinishedAt = page.ContinuationToken is null ? time.GetUtcNow() : null,
        };
        try
        {
            await _table.UpdateEntityAsync(ToEntity(next), state.ETag, TableUpdateMode.Replace, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.NotFound)
        {
            // A duplicate of this message did the page first (or a new run started): it sends the next one.
            return;
        }

        if (next.FinishedAt is { } finished)
        {
            LogFinished(runId, next.Pages, next.Calls, finished);
            return;
        }

        await work.ScheduleAsync(WorkQueueOptions.AnalyticsBackfill, MessageId(runId, next.Next), time.GetUtcNow(), cancellationToken);
    }

    private static string MessageId(string runId, string token) => runId + "|" + token;

    private static TableEntity ToEntity(RollupBackfillState s)
    {
        var entity = new TableEntity(StatePartition, StateRow)
        {
            ["RunId"] = s.RunId,
            ["StartedAt"] = s.StartedAt,
            ["Until"] = s.Until,
            ["Pages"] = s.Pages,
            ["Calls"] = s.Calls,
            ["Next"] = s.Next,
        };
        if (s.FinishedAt is { } finished)
        {
            entity["FinishedAt"] = finished;
        }

        if (s.Previous is { } previous)
        {
            entity["Previous"] = previous;
        }

        return entity;
    }

    private static RollupBackfillState ToState(TableEntity e) => new()
    {
        RunId = e.GetString("RunId") ?? "",
        StartedAt = e.GetDateTimeOffset("StartedAt") ?? DateTimeOffset.MinValue,
        Until = e.GetDateTimeOffset("Until") ?? DateTimeOffset.MinValue,
        Pages = e.GetInt32("Pages") ?? 0,
        Calls = e.GetInt64("Calls") ?? 0,
        FinishedAt = e.GetDateTimeOffset("FinishedAt"),
        Next = e.GetString("Next") ?? "",
        Previous = e.GetString("Previous"),
        ETag = e.ETag,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Analytics backfill {RunId} started over the calls created before {Until:O}")]
    private partial void LogStarted(string runId, DateTimeOffset until);

    [LoggerMessage(Level = LogLevel.Information, Message = "Analytics backfill {RunId} finished: {Pages} pages, {Calls} ended calls handed to the rollups, at {FinishedAt:O}")]
    private partial void LogFinished(string runId, int pages, long calls, DateTimeOffset finishedAt);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Analytics backfill message dropped: {Reason}")]
    private partial void LogDropped(string reason);
}
