using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Serverless.Functions.Storage;

namespace Serverless.Functions.AgentConsole;

/// <summary>An agent's row: presence and when they last became idle (longest-idle ringing).</summary>
public sealed record AgentRow(string Id, string Name, bool Available, DateTimeOffset IdleSince, string? CurrentCallId);

/// <summary>A queue's row: how it rings and who is in it (no members: every agent).</summary>
public sealed record QueueRow(string Name, RingStrategy Strategy, string? HoldPrompt, IReadOnlyList<string> Members);

/// <summary>How a queue rings its available agents.</summary>
public enum RingStrategy
{
    /// <summary>Every available agent at once; the first to accept gets the call.</summary>
    All,

    /// <summary>The agent idle the longest; a decline passes it to the next.</summary>
    LongestIdle,
}

/// <summary>Where a call waiting for an agent is.</summary>
public enum RingState
{
    Ringing,
    Taken,
    Ended,
}

/// <summary>
/// One call's ring (a call waiting for, or talking to, an agent). <see cref="ETag"/> guards every change: the first
/// accept wins, every other sees the row taken.
/// </summary>
public sealed record RingRow
{
    public required string CallId { get; init; }
    public required string Queue { get; init; }
    public RingState State { get; init; }
    public IReadOnlyList<string> Offered { get; init; } = [];
    public IReadOnlyList<string> Declined { get; init; } = [];
    /// <summary>An outbound call placed from the console rings only the agent who placed it.</summary>
    public string? ReservedFor { get; init; }
    public string? TakenBy { get; init; }
    public string? TakenByName { get; init; }
    public string? CallerName { get; init; }
    public required string CallerNumber { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public string? LegId { get; init; }
    public string? AnswerSdp { get; init; }
    public bool Connected { get; init; }
    public bool Muted { get; init; }
    public ETag ETag { get; init; }
}

/// <summary>The console's three tables: agents, queues, rings (one row per call that asked for an agent).</summary>
public sealed class ConsoleStore
{
    private const string AgentsPartition = "agents";
    private const string QueuesPartition = "queues";
    private const string RingKey = "ring";
    private readonly TableClient _agents;
    private readonly TableClient _queues;
    private readonly TableClient _rings;
    private readonly TableInit _init;

    public ConsoleStore(TableServiceClient tables, IOptions<ConsoleOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(options);
        var prefix = options.Value.TablePrefix;
        _agents = tables.GetTableClient(prefix + "ConsoleAgents");
        _queues = tables.GetTableClient(prefix + "ConsoleQueues");
        _rings = tables.GetTableClient(prefix + "ConsoleRings");
        _init = new TableInit(() => Task.WhenAll(_agents.CreateIfNotExistsAsync(), _queues.CreateIfNotExistsAsync(), _rings.CreateIfNotExistsAsync()), time);
    }

    // ---- agents ----

    public async Task<AgentRow?> GetAgentAsync(string id, CancellationToken cancellationToken)
    {
        await _init.EnsureAsync(cancellationToken);
        var row = await _agents.GetEntityIfExistsAsync<TableEntity>(AgentsPartition, Key(id), cancellationToken: cancellationToken);
        return row.HasValue ? ToAgent(row.Value!) : null;
    }

    public async Task<IReadOnlyList<AgentRow>> ListAgentsAsync(CancellationToken cancellationToken)
    {
        await _init.EnsureAsync(cancellationToken);
        var list = new List<AgentRow>();
        await foreach (var e in _agents.QueryAsync<TableEntity>(e => e.PartitionKey == AgentsPartition, cancellationToken: cancellationToken))
        {
            list.Add(ToAgent(e));
        }

        return list;
    }

    public async Task PutAgentAsync(AgentRow agent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agent);
        await _init.EnsureAsync(cancellationToken);
        var e = new TableEntity(AgentsPartition, Key(agent.Id))
        {
            ["AgentId"] = agent.Id,
            ["Name"] = agent.Name,
            ["Available"] = agent.Available,
            ["IdleSince"] = agent.IdleSince,
            ["CurrentCallId"] = agent.CurrentCallId ?? "",
        };
        await _agents.UpsertEntityAsync(e, TableUpdateMode.Replace, cancellationToken);
    }

    private static AgentRow ToAgent(TableEntity e) => new(
        e.GetString("AgentId") ?? e.RowKey, e.GetString("Name") ?? "", e.GetBoolean("Available") ?? false,
        e.GetDateTimeOffset("IdleSince") ?? DateTimeOffset.MinValue, e.GetString("CurrentCallId") is { Length: > 0 } c ? c : null);

    // ---- queues ----

    public async Task<QueueRow?> GetQueueAsync(string name, CancellationToken cancellationToken)
    {
        await _init.EnsureAsync(cancellationToken);
        var row = await _queues.GetEntityIfExistsAsync<TableEntity>(QueuesPartition, Key(name), cancellationToken: cancellationToken);
        return row.HasValue ? ToQueue(row.Value!) : null;
    }

    public async Task<IReadOnlyList<QueueRow>> ListQueuesAsync(CancellationToken cancellationToken)
    {
        await _init.EnsureAsync(cancellationToken);
        var list = new List<QueueRow>();
        await foreach (var e in _queues.QueryAsync<TableEntity>(e => e.PartitionKey == QueuesPartition, cancellationToken: cancellationToken))
        {
            list.Add(ToQueue(e));
        }

        return list;
    }

    public async Task PutQueueAsync(QueueRow queue, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        await _init.EnsureAsync(cancellationToken);
        var e = new TableEntity(QueuesPartition, Key(queue.Name))
        {
            ["QueueName"] = queue.Name,
            ["Strategy"] = queue.Strategy.ToString(),
            ["HoldPrompt"] = queue.HoldPrompt ?? "",
            ["Members"] = string.Join('\n', queue.Members),
        };
        await _queues.UpsertEntityAsync(e, TableUpdateMode.Replace, cancellationToken);
    }

    private static QueueRow ToQueue(TableEntity e) => new(
        e.GetString("QueueName") ?? e.RowKey,
        Enum.TryParse<RingStrategy>(e.GetString("Strategy"), out var s) ? s : RingStrategy.All,
        e.GetString("HoldPrompt") is { Length: > 0 } p ? p : null,
        Split(e.GetString("Members")));

    // ---- rings ----

    public async Task<RingRow?> GetRingAsync(string callId, CancellationToken cancellationToken)
    {
        await _init.EnsureAsync(cancellationToken);
        var row = await _rings.GetEntityIfExistsAsync<TableEntity>(callId, RingKey, cancellationToken: cancellationToken);
        return row.HasValue ? ToRing(row.Value!) : null;
    }

    /// <summary>Adds the ring unless the call has one (a redelivered request changes nothing); returns the stored row.</summary>
    public async Task<RingRow> AddRingAsync(RingRow ring, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ring);
        await _init.EnsureAsync(cancellationToken);
        try
        {
            var response = await _rings.AddEntityAsync(ToEntity(ring), cancellationToken);
            return ring with { ETag = response.Headers.ETag ?? default };
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return await GetRingAsync(ring.CallId, cancellationToken) ?? throw new InvalidOperationException($"Ring of {ring.CallId} vanished.", ex);
        }
    }

    /// <summary>Replaces the ring if nobody changed it since it was read (<see cref="RingRow.ETag"/>); false otherwise.</summary>
    public async Task<RingRow?> TryReplaceRingAsync(RingRow ring, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ring);
        await _init.EnsureAsync(cancellationToken);
        try
        {
            var response = await _rings.UpdateEntityAsync(ToEntity(ring), ring.ETag, TableUpdateMode.Replace, cancellationToken);
            return ring with { ETag = response.Headers.ETag ?? default };
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            return null;
        }
    }

    /// <summary>Rings in a state (few at a time: a contact centre's waiting calls).</summary>
    public async Task<IReadOnlyList<RingRow>> ListRingsAsync(RingState state, CancellationToken cancellationToken)
    {
        await _init.EnsureAsync(cancellationToken);
        var name = state.ToString();
        var list = new List<RingRow>();
        await foreach (var e in _rings.QueryAsync<TableEntity>(e => e.RowKey == RingKey && e.GetString("State") == name, cancellationToken: cancellationToken))
        {
            list.Add(ToRing(e));
        }

        return list;
    }

    /// <summary>
    /// Retention: deletes the rings created before <paramref name="cutoff"/> (they name the caller's number and the
    /// agent), at most <paramref name="maxCount"/> per run. Returns the rows deleted.
    /// </summary>
    public async Task<int> PurgeRingsCreatedBeforeAsync(DateTimeOffset cutoff, int maxCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        await _init.EnsureAsync(cancellationToken);
        var old = new List<TableEntity>();
        var filter = TableClient.CreateQueryFilter($"RowKey eq {RingKey} and CreatedAt lt {cutoff}");
        await foreach (var e in _rings.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            old.Add(e);
            if (old.Count == maxCount)
            {
                break;
            }
        }

        var deleted = 0;
        foreach (var e in old)
        {
            try
            {
                await _rings.DeleteEntityAsync(e.PartitionKey, e.RowKey, ETag.All, cancellationToken);
                deleted++;
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // Deleted meanwhile (a second run): nothing left to do.
            }
        }

        return deleted;
    }

    private static TableEntity ToEntity(RingRow r) => new(r.CallId, RingKey)
    {
        ["Queue"] = r.Queue,
        ["State"] = r.State.ToString(),
        ["Offered"] = string.Join('\n', r.Offered),
        ["Declined"] = string.Join('\n', r.Declined),
        ["ReservedFor"] = r.ReservedFor ?? "",
        ["TakenBy"] = r.TakenBy ?? "",
        ["TakenByName"] = r.TakenByName ?? "",
        ["CallerName"] = r.CallerName ?? "",
        ["CallerNumber"] = r.CallerNumber,
        ["CreatedAt"] = r.CreatedAt,
        ["ExpiresAt"] = r.ExpiresAt,
        ["LegId"] = r.LegId ?? "",
        ["AnswerSdp"] = r.AnswerSdp ?? "",
        ["Connected"] = r.Connected,
        ["Muted"] = r.Muted,
    };

    private static RingRow ToRing(TableEntity e) => new()
    {
        CallId = e.PartitionKey,
        Queue = e.GetString("Queue") ?? "",
        State = Enum.TryParse<RingState>(e.GetString("State"), out var s) ? s : RingState.Ended,
        Offered = Split(e.GetString("Offered")),
        Declined = Split(e.GetString("Declined")),
        ReservedFor = Empty(e.GetString("ReservedFor")),
        TakenBy = Empty(e.GetString("TakenBy")),
        TakenByName = Empty(e.GetString("TakenByName")),
        CallerName = Empty(e.GetString("CallerName")),
        CallerNumber = e.GetString("CallerNumber") ?? "",
        CreatedAt = e.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue,
        ExpiresAt = e.GetDateTimeOffset("ExpiresAt"),
        LegId = Empty(e.GetString("LegId")),
        AnswerSdp = Empty(e.GetString("AnswerSdp")),
        Connected = e.GetBoolean("Connected") ?? false,
        Muted = e.GetBoolean("Muted") ?? false,
        ETag = e.ETag,
    };

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static string[] Split(string? value) =>
        string.IsNullOrEmpty(value) ? [] : value.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Row keys may not hold '/', '\', '#', '?' or control characters: ids and names are escaped.</summary>
    private static string Key(string value) => Uri.EscapeDataString(value).Replace("%", "~", StringComparison.Ordinal);
}
