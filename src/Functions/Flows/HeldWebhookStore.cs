using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Serverless.Functions.Calls;
using Serverless.Shared.WhatsApp.Webhooks;

using Serverless.Functions.Storage;

namespace Serverless.Functions.Flows;

/// <summary>
/// Call webhooks for a wacid we do not know yet (issue 14, "webhooks before the connect response"): Meta can deliver
/// RINGING and the SDP answer while our <c>connect</c> POST still waits for its response. They are kept for
/// <see cref="CallFlowOptions.HeldWebhookWindow"/> in table <c>{CallStore:TablePrefix}HeldWebhooks</c>, one partition
/// per wacid, and applied when the connect response names the wacid. Table Storage has no TTL: every row carries
/// <c>ExpiresAt</c>, expired rows are ignored, and <see cref="PurgeExpiredAsync"/> (the sweeper) deletes them.
/// </summary>
public sealed class HeldWebhookStore
{
    private const string TypeProperty = "Type";
    private const string JsonProperty = "Json";
    private const string ExpiresAtProperty = "ExpiresAt";
    private const string ReceivedAtProperty = "ReceivedAt";

    private readonly TableClient _table;
    private readonly TimeProvider _time;
    private readonly TimeSpan _window;
    private readonly TableInit _init;

    public HeldWebhookStore(TableServiceClient service, IOptions<CallStoreOptions> store, IOptions<CallFlowOptions> flow, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(flow);
        _table = service.GetTableClient(store.Value.TablePrefix + "HeldWebhooks");
        _time = time;
        _window = flow.Value.HeldWebhookWindow;
        _init = new TableInit(() => _table.CreateIfNotExistsAsync(CancellationToken.None), time);
    }

    /// <summary>False when holding is switched off (<see cref="CallFlowOptions.HeldWebhookWindow"/> zero).</summary>
    public bool Enabled => _window > TimeSpan.Zero;

    /// <summary>Keeps <paramref name="evt"/> for its wacid; a redelivery overwrites the same row.</summary>
    public async Task HoldAsync(string wacid, WebhookEvent evt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(evt);
        var (type, json) = Serialize(evt);
        await InitializeAsync(cancellationToken);
        var now = _time.GetUtcNow();
        var entity = new TableEntity(CallStoreKeys.Hash(wacid), CallStoreKeys.Hash(evt.DedupKey))
        {
            [TypeProperty] = type,
            [JsonProperty] = json,
            [ReceivedAtProperty] = now,
            [ExpiresAtProperty] = now + _window,
        };
        await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>The unexpired events held for <paramref name="wacid"/>, oldest first, with their row keys.</summary>
    public async Task<IReadOnlyList<(string RowKey, WebhookEvent Event)>> ListAsync(string wacid, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken);
        var now = _time.GetUtcNow();
        var held = new List<(DateTimeOffset At, string RowKey, WebhookEvent Event)>();
        var partition = CallStoreKeys.Hash(wacid);
        await foreach (var row in _table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, cancellationToken: cancellationToken))
        {
            if (row.GetDateTimeOffset(ExpiresAtProperty) is { } expires && expires > now
                && Deserialize(row.GetString(TypeProperty), row.GetString(JsonProperty)) is { } evt)
            {
                held.Add((row.GetDateTimeOffset(ReceivedAtProperty) ?? now, row.RowKey, evt));
            }
        }

        return [.. held.OrderBy(h => h.At).Select(h => (h.RowKey, h.Event))];
    }

    /// <summary>Deletes one held row once it was applied (already gone: fine).</summary>
    public Task RemoveAsync(string wacid, string rowKey, CancellationToken cancellationToken) =>
        DeleteRowAsync(CallStoreKeys.Hash(wacid), rowKey, cancellationToken);

    /// <summary>Deletes up to <paramref name="maxCount"/> rows past their <c>ExpiresAt</c>; returns how many.</summary>
    public async Task<int> PurgeExpiredAsync(int maxCount, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter($"ExpiresAt le {_time.GetUtcNow()}");
        var purged = 0;
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            await DeleteRowAsync(row.PartitionKey, row.RowKey, cancellationToken);
            if (++purged == maxCount)
            {
                break;
            }
        }

        return purged;
    }

    /// <summary>Deletes every row received before <paramref name="cutoff"/> (retention; expired rows usually went long before).</summary>
    public async Task<int> PurgeReceivedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken);
        var rows = await TableDeletes.KeysAsync(_table, TableClient.CreateQueryFilter($"ReceivedAt lt {cutoff}"), cancellationToken);
        return await TableDeletes.DeleteAsync(_table, rows, cancellationToken);
    }

    /// <summary>Deletes every held event to or from <paramref name="waId"/> (a user's erasure); returns how many.</summary>
    public async Task<int> EraseUserAsync(string waId, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken);
        var rows = new List<(string, string)>();
        await foreach (var row in _table.QueryAsync<TableEntity>(cancellationToken: cancellationToken))
        {
            var user = Deserialize(row.GetString(TypeProperty), row.GetString(JsonProperty)) switch
            {
                CallConnect c => (c.From, c.To),
                CallStatus s => (s.RecipientId, null),
                CallTerminate t => (t.From, t.To),
                _ => (null, null),
            };
            if (user.Item1 == waId || user.Item2 == waId)
            {
                rows.Add((row.PartitionKey, row.RowKey));
            }
        }

        return await TableDeletes.DeleteAsync(_table, rows, cancellationToken);
    }

    private async Task DeleteRowAsync(string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        try
        {
            await _table.DeleteEntityAsync(partitionKey, rowKey, ETag.All, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
        }
    }

    private Task InitializeAsync(CancellationToken cancellationToken) => _init.EnsureAsync(cancellationToken);

    private static (string Type, string Json) Serialize(WebhookEvent evt) => evt switch
    {
        CallConnect c => (nameof(CallConnect), JsonSerializer.Serialize(c, HeldWebhookJsonContext.Default.CallConnect)),
        CallStatus s => (nameof(CallStatus), JsonSerializer.Serialize(s, HeldWebhookJsonContext.Default.CallStatus)),
        CallTerminate t => (nameof(CallTerminate), JsonSerializer.Serialize(t, HeldWebhookJsonContext.Default.CallTerminate)),
        _ => throw new ArgumentException($"{evt.GetType().Name} is not a call event that can wait for its wacid.", nameof(evt)),
    };

    private static WebhookEvent? Deserialize(string? type, string? json) => (type, json) switch
    {
        (nameof(CallConnect), { } j) => JsonSerializer.Deserialize(j, HeldWebhookJsonContext.Default.CallConnect),
        (nameof(CallStatus), { } j) => JsonSerializer.Deserialize(j, HeldWebhookJsonContext.Default.CallStatus),
        (nameof(CallTerminate), { } j) => JsonSerializer.Deserialize(j, HeldWebhookJsonContext.Default.CallTerminate),
        _ => null,
    };
}

[JsonSerializable(typeof(CallConnect))]
[JsonSerializable(typeof(CallStatus))]
[JsonSerializable(typeof(CallTerminate))]
internal sealed partial class HeldWebhookJsonContext : JsonSerializerContext;
