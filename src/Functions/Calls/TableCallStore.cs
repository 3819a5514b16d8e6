using System.Net;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

using Serverless.Functions.Storage;

namespace Serverless.Functions.Calls;

/// <summary>
/// <see cref="ICallStore"/> on Azure Table Storage. A call's entity (RowKey "call") and its history rows
/// (RowKey "evt-" + hash of the dedup key) share the call's partition, so every ApplyAsync is one entity-group
/// transaction: ETag-conditional replace of the call + insert of the history row. A lost ETag race (412)
/// re-reads and re-applies; an existing history row (409) means the dedup key was processed already.
/// List queries filter the calls table server-side (history rows included in the scan). Call ids sort
/// newest first (<see cref="CallIds"/>), so the list is newest first and a <c>since</c> list reads only the partitions
/// of calls made since then. Overdue calls and a node's calls come from <see cref="CallIndex"/>, never a scan.
/// </summary>
public sealed partial class TableCallStore : ICallStore
{
    /// <summary>Dedup key of the first history row; <see cref="CallDedupKeys"/> never produces it.</summary>
    public const string CreatedDedupKey = "store|created";

    private readonly TableServiceClient _service;
    private readonly CallStoreOptions _options;
    private readonly CallStateMachine _machine;
    private readonly TimeProvider _time;
    private readonly ILogger<TableCallStore> _logger;
    private readonly TableClient _calls;
    private readonly TableClient _wacids;
    private readonly TableClient _idempotency;
    private readonly TableInit _init;
    private readonly CallIndex _index;

    public TableCallStore(
        TableServiceClient service,
        IOptions<CallStoreOptions> options,
        CallStateMachine machine,
        TimeProvider timeProvider,
        ILogger<TableCallStore> logger,
        WorkScheduler? workQueue = null,
        Microsoft.Extensions.Options.IOptions<WorkQueueOptions>? workQueueOptions = null)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(machine);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options.Value;
        _options.Validate();
        _service = service;
        _machine = machine;
        _time = timeProvider;
        _logger = logger;
        _calls = service.GetTableClient(_options.CallsTable);
        _wacids = service.GetTableClient(_options.WacidIndexTable);
        _idempotency = service.GetTableClient(_options.IdempotencyTable);
        _init = new TableInit(CreateTablesAsync, timeProvider);
        _index = new CallIndex(
            service.GetTableClient(_options.CallIndexTable), workQueue, workQueueOptions?.Value.NodeCheckInterval ?? WorkQueueOptions.DefaultNodeCheckInterval, timeProvider, logger);
    }

    /// <summary>The deadline and node index kept with the calls.</summary>
    public CallIndex Index => _index;

    /// <summary>
    /// Creates the tables if missing: on first use, after a failure, and again every <see cref="TableInit.Recheck"/>
    /// (tables lost with the storage come back by themselves). Every operation awaits it, so calling it early is optional.
    /// </summary>
    public Task InitializeAsync(CancellationToken cancellationToken = default) => _init.EnsureAsync(cancellationToken);

    private async Task CreateTablesAsync()
    {
        foreach (var table in new[] { _options.CallsTable, _options.WacidIndexTable, _options.IdempotencyTable, _options.CallIndexTable })
        {
            await _service.CreateTableIfNotExistsAsync(table);
        }
    }

    public async Task<CreateCallResult> CreateAsync(CallRecord call, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        await InitializeAsync(cancellationToken);

        if (call.Wacid is { } wacid && await ClaimWacidAsync(wacid, call.CallId, cancellationToken) is { } holder)
        {
            return new CreateCallResult(CreateCallStatus.DuplicateWacid, holder);
        }

        var now = _time.GetUtcNow();
        var stored = call with { Version = 1 };
        var created = new CallEvent(
            call.CallId, 1, now, "Created", $"{call.Direction} call created.", CreatedDedupKey, TransitionKind.Applied, call.State, null);
        await _index.BeforeCommitAsync(null, stored, cancellationToken);
        try
        {
            await _calls.SubmitTransactionAsync(
                [
                    new TableTransactionAction(TableTransactionActionType.Add, CallEntityMapper.ToEntity(stored)),
                    new TableTransactionAction(TableTransactionActionType.Add, CallEntityMapper.ToEntity(created)),
                ],
                cancellationToken);
        }
        catch (TableTransactionFailedException ex) when (ex.Status == (int)HttpStatusCode.Conflict)
        {
            return new CreateCallResult(CreateCallStatus.DuplicateCallId, call.CallId);
        }

        await _index.AfterCommitAsync(null, stored, cancellationToken);

        return new CreateCallResult(CreateCallStatus.Created, call.CallId);
    }

    public async Task<CallRecord?> GetAsync(string callId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        await InitializeAsync(cancellationToken);
        var (call, _) = await ReadCallAsync(callId, cancellationToken);
        return call;
    }

    public async Task<CallRecord?> FindByWacidAsync(string wacid, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(wacid);
        await InitializeAsync(cancellationToken);
        var index = await _wacids.GetEntityIfExistsAsync<TableEntity>(
            CallStoreKeys.Hash(wacid), CallStoreKeys.IndexRowKey, cancellationToken: cancellationToken);
        return index.HasValue && index.Value!.GetString("CallId") is { } callId
            ? (await ReadCallAsync(callId, cancellationToken)).Call
            : null;
    }

    public async Task<IReadOnlyList<CallEvent>> GetHistoryAsync(string callId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        await InitializeAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {callId} and Kind eq {CallStoreKeys.EventKind}");
        var events = new List<CallEvent>();
        await foreach (var entity in _calls.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            events.Add(CallEntityMapper.ToEvent(entity));
        }

        events.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        return events;
    }

    public async Task<IdempotencyReservation> TryReserveIdempotencyKeyAsync(
        string key, string callId, string? requestHash = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentException.ThrowIfNullOrEmpty(callId);
        await InitializeAsync(cancellationToken);
        var entity = new TableEntity(CallStoreKeys.Hash(key), CallStoreKeys.IndexRowKey)
        {
            ["Key"] = key,
            ["CallId"] = callId,
            ["ReservedAt"] = _time.GetUtcNow(),
            ["RequestHash"] = requestHash,
        };
        try
        {
            await _idempotency.AddEntityAsync(entity, cancellationToken);
            return new IdempotencyReservation(true, callId, requestHash);
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.Conflict)
        {
            // Reservations are never deleted, so the winner's row is there to read.
            var existing = await _idempotency.GetEntityAsync<TableEntity>(
                entity.PartitionKey, entity.RowKey, cancellationToken: cancellationToken);
            var holder = existing.Value.GetString("CallId")
                ?? throw new InvalidDataException("Idempotency reservation lacks its call id.");
            return new IdempotencyReservation(holder == callId, holder, existing.Value.GetString("RequestHash"));
        }
    }

    /// <summary>Points the wacid at <paramref name="callId"/>; returns the other call that holds it, if any.</summary>
    private async Task<string?> ClaimWacidAsync(string wacid, string callId, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(CallStoreKeys.Hash(wacid), CallStoreKeys.IndexRowKey)
        {
            ["Wacid"] = wacid,
            ["CallId"] = callId,
        };
        try
        {
            await _wacids.AddEntityAsync(entity, cancellationToken);
            return null;
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.Conflict)
        {
            var existing = (await _wacids.GetEntityAsync<TableEntity>(
                entity.PartitionKey, entity.RowKey, cancellationToken: cancellationToken)).Value;
            var holder = existing.GetString("CallId") ?? throw new InvalidDataException("Wacid index lacks its call id.");
            if (holder == callId)
            {
                return null;
            }

            if ((await ReadCallAsync(holder, cancellationToken)).Call is not null)
            {
                return holder;
            }

            // The holder's create died between claiming the wacid and writing the call: take the index over,
            // conditionally, so two such take-overs cannot both win.
            try
            {
                await _wacids.UpdateEntityAsync(entity, existing.ETag, TableUpdateMode.Replace, cancellationToken);
                return null;
            }
            catch (RequestFailedException conflict) when (conflict.Status == (int)HttpStatusCode.PreconditionFailed)
            {
                return (await _wacids.GetEntityAsync<TableEntity>(
                    entity.PartitionKey, entity.RowKey, cancellationToken: cancellationToken)).Value.GetString("CallId");
            }
        }
    }

    /// <summary>Writes wacid → call id (Meta's wacids are unique, so a replace cannot steal another call's entry).</summary>
    private async Task IndexWacidAsync(string wacid, string callId, CancellationToken cancellationToken) =>
        await _wacids.UpsertEntityAsync(
            new TableEntity(CallStoreKeys.Hash(wacid), CallStoreKeys.IndexRowKey) { ["Wacid"] = wacid, ["CallId"] = callId },
            TableUpdateMode.Replace,
            cancellationToken);

    private async Task<(CallRecord? Call, ETag ETag)> ReadCallAsync(string callId, CancellationToken cancellationToken)
    {
        var response = await _calls.GetEntityIfExistsAsync<TableEntity>(
            callId, CallStoreKeys.CallRowKey, cancellationToken: cancellationToken);
        return response.HasValue ? (CallEntityMapper.ToCall(response.Value!), response.Value!.ETag) : (null, default);
    }
}
