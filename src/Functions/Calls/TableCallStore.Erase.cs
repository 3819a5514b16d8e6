using Azure.Data.Tables;

namespace Serverless.Functions.Calls;

/// <summary>Data protection: finding and deleting calls (retention and a user's erasure, see Privacy/README.md).</summary>
public sealed partial class TableCallStore
{
    /// <summary>Calls created before <paramref name="cutoff"/>, at most <paramref name="maxCount"/>.</summary>
    public async Task<IReadOnlyList<CallRecord>> ListCreatedBeforeAsync(DateTimeOffset cutoff, int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        await InitializeAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter($"Kind eq {CallStoreKeys.CallKind} and CreatedAt lt {cutoff}");
        var found = new List<CallRecord>();
        await foreach (var entity in _calls.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            found.Add(CallEntityMapper.ToCall(entity));
            if (found.Count == maxCount)
            {
                break;
            }
        }

        return found;
    }

    /// <summary>Every call with the user <paramref name="waId"/> (either direction, any business number).</summary>
    public async Task<IReadOnlyList<CallRecord>> ListForUserAsync(string waId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(waId);
        await InitializeAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter($"Kind eq {CallStoreKeys.CallKind} and UserWaId eq {waId}");
        var found = new List<CallRecord>();
        await foreach (var entity in _calls.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            found.Add(CallEntityMapper.ToCall(entity));
        }

        return found;
    }

    /// <summary>
    /// Deletes the call's partition (the call and its history rows, in batches), its wacid index row and its
    /// Idempotency-Key reservation; returns how many history rows went. The recording blob is the caller's.
    /// </summary>
    public async Task<int> DeleteAsync(CallRecord call, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        await InitializeAsync(cancellationToken);
        var rows = await TableDeletes.KeysAsync(_calls, TableClient.CreateQueryFilter($"PartitionKey eq {call.CallId}"), cancellationToken);

        // Index rows first: a reader that finds the call through them after this sees no call, never a dangling half.
        if (call.Wacid is { } wacid)
        {
            await TableDeletes.DeleteOneAsync(_wacids, CallStoreKeys.Hash(wacid), CallStoreKeys.IndexRowKey, cancellationToken);
        }

        if (call.IdempotencyKey is { } key)
        {
            await TableDeletes.DeleteOneAsync(_idempotency, CallStoreKeys.Hash(key), CallStoreKeys.IndexRowKey, cancellationToken);
        }

        await TableDeletes.DeleteAsync(_calls, rows, cancellationToken);
        return rows.Count(r => r.RowKey != CallStoreKeys.CallRowKey);
    }

    /// <summary>Idempotency-Key reservations made before <paramref name="cutoff"/> (also those whose call was never stored).</summary>
    public async Task<int> PurgeIdempotencyBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        await InitializeAsync(cancellationToken);
        var rows = await TableDeletes.KeysAsync(_idempotency, TableClient.CreateQueryFilter($"ReservedAt lt {cutoff}"), cancellationToken);
        return await TableDeletes.DeleteAsync(_idempotency, rows, cancellationToken);
    }
}
