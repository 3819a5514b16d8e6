using System.Net;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

using Serverless.Functions.Storage;

namespace Serverless.Functions.Callbacks;

/// <summary>One stored delivery.</summary>
internal sealed record OutboxDelivery(
    string RowKey, string Url, string EventId, string Body, int Attempts, DateTimeOffset NextAttemptAt, ETag ETag);

/// <summary>
/// The callback outbox in Table Storage. RowKey = SHA-256 of (URL, event id), so an event is stored once per
/// receiver; rows move pending → delivered | failed. A drain claims a row by pushing its due time one lease ahead
/// under the row's ETag, so two concurrent drains never send the same attempt.
/// </summary>
internal sealed class CallbackOutbox
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Failed = "failed";
    private const string Partition = "cb";
    private readonly TableClient _table;
    private readonly TableInit _init;

    public CallbackOutbox(TableServiceClient service, IOptions<CallbackOptions> options)
    {
        _table = service.GetTableClient(options.Value.TableName);
        _init = new TableInit(() => _table.CreateIfNotExistsAsync());
    }

    public Task InitializeAsync() => _init.EnsureAsync();

    public static string Key(string url, string eventId)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(url + "\n" + eventId), digest);
        return Convert.ToHexStringLower(digest);
    }

    /// <summary>False when the row exists already.</summary>
    public async Task<bool> AddAsync(string url, string eventId, string body, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await InitializeAsync();
        var entity = new TableEntity(Partition, Key(url, eventId))
        {
            ["Url"] = url,
            ["EventId"] = eventId,
            ["Body"] = body,
            ["Status"] = Pending,
            ["Attempts"] = 0,
            ["NextAttemptAt"] = now,
            ["CreatedAt"] = now,
        };
        try
        {
            await _table.AddEntityAsync(entity, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.Conflict)
        {
            return false;
        }
    }

    public async Task<List<OutboxDelivery>> DueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        await InitializeAsync();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and Status eq {Pending} and NextAttemptAt le {now}");
        var due = new List<OutboxDelivery>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            due.Add(new OutboxDelivery(
                entity.RowKey, entity.GetString("Url"), entity.GetString("EventId"), entity.GetString("Body"),
                entity.GetInt32("Attempts") ?? 0, entity.GetDateTimeOffset("NextAttemptAt") ?? now, entity.ETag));
            if (due.Count >= max)
            {
                break;
            }
        }

        return due;
    }

    /// <summary>Deletes the rows (any status) of events about the given calls (a user's erasure); returns how many.</summary>
    public async Task<int> DeleteForCallsAsync(IReadOnlySet<string> callIds, CancellationToken cancellationToken)
    {
        await InitializeAsync();
        if (callIds.Count == 0)
        {
            return 0;
        }

        // Event ids are "{callId}-{sequence}" and "{callId}-ended" (StatusCallbacks); call ids hold no '-'.
        var rows = new List<(string, string)>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey", "EventId"], cancellationToken: cancellationToken))
        {
            var eventId = entity.GetString("EventId") ?? string.Empty;
            var dash = eventId.IndexOf('-', StringComparison.Ordinal);
            if (dash > 0 && callIds.Contains(eventId[..dash]))
            {
                rows.Add((entity.PartitionKey, entity.RowKey));
            }
        }

        return await Calls.TableDeletes.DeleteAsync(_table, rows, cancellationToken);
    }

    /// <summary>Deletes the rows (any status) created before <paramref name="cutoff"/> (retention); returns how many.</summary>
    public async Task<int> PurgeCreatedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await InitializeAsync();
        var rows = await Calls.TableDeletes.KeysAsync(_table, TableClient.CreateQueryFilter($"CreatedAt lt {cutoff}"), cancellationToken);
        return await Calls.TableDeletes.DeleteAsync(_table, rows, cancellationToken);
    }

    /// <summary>Takes the row for one attempt; null when another drain took it first.</summary>
    public async Task<OutboxDelivery?> ClaimAsync(OutboxDelivery delivery, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        var patch = new TableEntity(Partition, delivery.RowKey) { ["NextAttemptAt"] = leaseUntil };
        try
        {
            var response = await _table.UpdateEntityAsync(patch, delivery.ETag, TableUpdateMode.Merge, cancellationToken);
            return delivery with { ETag = response.Headers.ETag ?? default };
        }
        catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Records an attempt's result; losing the ETag means another drain took over after our lease ran out.</summary>
    public async Task RecordAsync(
        OutboxDelivery claimed, string status, int attempts, DateTimeOffset nextAttemptAt, string? error, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var patch = new TableEntity(Partition, claimed.RowKey)
        {
            ["Status"] = status,
            ["Attempts"] = attempts,
            ["NextAttemptAt"] = nextAttemptAt,
            ["LastError"] = error,
            ["LastAttemptAt"] = now,
        };
        try
        {
            await _table.UpdateEntityAsync(patch, claimed.ETag, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.PreconditionFailed)
        {
            // Someone else owns the row now; their record wins.
        }
    }

    /// <summary>Status, attempts and last error of one delivery (for tests and diagnostics).</summary>
    public async Task<(string Status, int Attempts, string? LastError)?> GetAsync(string url, string eventId, CancellationToken cancellationToken = default)
    {
        await InitializeAsync();
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(Partition, Key(url, eventId), cancellationToken: cancellationToken);
        return response.HasValue
            ? (response.Value!.GetString("Status"), response.Value.GetInt32("Attempts") ?? 0, response.Value.GetString("LastError"))
            : null;
    }
}
