using System.Net;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Serverless.Shared.WhatsApp.Graph.Models;

using Serverless.Functions.Storage;

namespace Serverless.Functions.Permissions;

/// <summary>
/// Table Storage for <see cref="PermissionRecord"/>: PartitionKey = phone-number id, RowKey = wa id (both digits,
/// so valid keys). Changes are ETag-conditional read-modify-write, retried when another writer won.
/// </summary>
public sealed class PermissionStore
{
    private const int MaxConcurrencyRetries = 32;
    private readonly TableClient _table;
    private readonly TableInit _init;

    public PermissionStore(TableServiceClient service, IOptions<PermissionOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(options);
        _table = service.GetTableClient(options.Value.TableName);
        _init = new TableInit(() => _table.CreateIfNotExistsAsync());
        var perSecond = options.Value.GraphRequestsPerSecond;
        LookupBudget = new TableTokenBucket(_table, _init, "call-permissions", perSecond, perSecond, time);
    }

    /// <summary>
    /// Meta's <c>call_permissions</c> limit for the whole app (every instance takes from this one row): refilled at
    /// <see cref="PermissionOptions.GraphRequestsPerSecond"/>, holding as many; a 613 puts every instance in debt.
    /// </summary>
    public TableTokenBucket LookupBudget { get; }

    /// <summary>Creates the table if needed.</summary>
    public Task InitializeAsync() => _init.EnsureAsync();

    /// <summary>The stored record, or an empty one.</summary>
    public async Task<PermissionRecord> GetAsync(string phoneNumberId, string waId, CancellationToken cancellationToken = default)
        => (await ReadAsync(phoneNumberId, waId, cancellationToken)).Record;

    /// <summary>Applies <paramref name="change"/> atomically; it may run more than once (keep it pure).</summary>
    public async Task<TResult> UpdateAsync<TResult>(
        string phoneNumberId, string waId, Func<PermissionRecord, (PermissionRecord Next, TResult Result)> change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        for (var attempt = 0; attempt < MaxConcurrencyRetries; attempt++)
        {
            var (current, etag) = await ReadAsync(phoneNumberId, waId, cancellationToken);
            var (next, result) = change(current);
            if (ReferenceEquals(next, current))
            {
                return result;
            }

            var entity = ToEntity(next);
            try
            {
                if (etag == default)
                {
                    await _table.AddEntityAsync(entity, cancellationToken);
                }
                else
                {
                    await _table.UpdateEntityAsync(entity, etag, TableUpdateMode.Replace, cancellationToken);
                }

                return result;
            }
            catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed)
            {
                // Another writer got there first: re-read and re-apply.
            }
        }

        throw new InvalidOperationException($"Permission row {phoneNumberId}/{PhoneMaskText(waId)} lost the ETag race {MaxConcurrencyRetries} times.");
    }

    /// <summary>
    /// A user's erasure: deletes the user's rows for every business number, except that an opt-out stays as a
    /// suppression row holding only the number and when and how the user opted out, so erasing never re-enables
    /// calls. Returns how many rows were deleted or reduced.
    /// </summary>
    public async Task<int> EraseAsync(string waId, CancellationToken cancellationToken = default)
    {
        await InitializeAsync();
        var partitions = new List<string>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {waId}"), select: ["PartitionKey"], cancellationToken: cancellationToken))
        {
            partitions.Add(entity.PartitionKey);
        }

        var erased = 0;
        foreach (var phoneNumberId in partitions)
        {
            erased += await EraseRowAsync(phoneNumberId, waId, cancellationToken) ? 1 : 0;
        }

        return erased;
    }

    private async Task<bool> EraseRowAsync(string phoneNumberId, string waId, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxConcurrencyRetries; attempt++)
        {
            var (record, etag) = await ReadAsync(phoneNumberId, waId, cancellationToken);
            if (etag == default)
            {
                return false;
            }

            try
            {
                if (record.OptedOutAt is null)
                {
                    await _table.DeleteEntityAsync(phoneNumberId, waId, etag, cancellationToken);
                }
                else
                {
                    var suppression = PermissionRecord.Empty(phoneNumberId, waId) with { OptedOutAt = record.OptedOutAt, OptOutSource = record.OptOutSource };
                    await _table.UpdateEntityAsync(ToEntity(suppression), etag, TableUpdateMode.Replace, cancellationToken);
                }

                return true;
            }
            catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.NotFound or (int)HttpStatusCode.PreconditionFailed)
            {
                // Changed meanwhile (a webhook, a lookup): read again.
            }
        }

        throw new InvalidOperationException($"Permission row {phoneNumberId}/{PhoneMaskText(waId)} lost the ETag race {MaxConcurrencyRetries} times.");
    }

    private async Task<(PermissionRecord Record, ETag ETag)> ReadAsync(string phoneNumberId, string waId, CancellationToken cancellationToken)
    {
        await InitializeAsync();
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(phoneNumberId, waId, cancellationToken: cancellationToken);
        return response.HasValue
            ? (FromEntity(response.Value!), response.Value!.ETag)
            : (PermissionRecord.Empty(phoneNumberId, waId), default);
    }

    private static string PhoneMaskText(string waId) => Serverless.Shared.WhatsApp.PhoneMask.Mask(waId);

    private static TableEntity ToEntity(PermissionRecord record) => new(record.PhoneNumberId, record.WaId)
    {
        ["Snapshot"] = record.Snapshot is null ? null : JsonSerializer.Serialize(record.Snapshot, WhatsAppGraphJsonContext.Default.CallPermissions),
        ["FetchedAt"] = record.FetchedAt,
        ["LastReplyAt"] = record.LastReplyAt,
        ["RequestsSent"] = string.Join(',', record.RequestsSent.Select(t => t.ToUnixTimeMilliseconds())),
        ["ConsecutiveUnanswered"] = record.ConsecutiveUnanswered,
        ["OptedOutAt"] = record.OptedOutAt,
        ["OptOutSource"] = record.OptOutSource,
    };

    private static PermissionRecord FromEntity(TableEntity entity)
    {
        var snapshot = entity.GetString("Snapshot");
        var sent = entity.GetString("RequestsSent");
        return new PermissionRecord
        {
            PhoneNumberId = entity.PartitionKey,
            WaId = entity.RowKey,
            Snapshot = string.IsNullOrEmpty(snapshot) ? null : JsonSerializer.Deserialize(snapshot, WhatsAppGraphJsonContext.Default.CallPermissions),
            FetchedAt = entity.GetDateTimeOffset("FetchedAt"),
            LastReplyAt = entity.GetDateTimeOffset("LastReplyAt"),
            RequestsSent = string.IsNullOrEmpty(sent)
                ? []
                : [.. sent.Split(',').Select(s => DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(s, System.Globalization.CultureInfo.InvariantCulture)))],
            ConsecutiveUnanswered = entity.GetInt32("ConsecutiveUnanswered") ?? 0,
            OptedOutAt = entity.GetDateTimeOffset("OptedOutAt"),
            OptOutSource = entity.GetString("OptOutSource"),
        };
    }
}
