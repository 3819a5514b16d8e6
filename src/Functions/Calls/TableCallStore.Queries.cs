using System.Buffers.Text;
using System.Text;
using Azure.Data.Tables;

namespace Serverless.Functions.Calls;

public sealed partial class TableCallStore
{
    public const int MaxPageSize = 1000;

    public async Task<CallPage> ListAsync(
        CallState? state, DateTimeOffset? since, string? continuationToken, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);
        await InitializeAsync(cancellationToken);

        var filter = TableClient.CreateQueryFilter($"Kind eq {CallStoreKeys.CallKind}");
        if (state is { } s)
        {
            filter += " and " + TableClient.CreateQueryFilter($"State eq {s.ToString()}");
        }

        if (since is { } from)
        {
            // Ids sort newest first, so calls since `from` are the partitions up to its bound: the scan stops there.
            filter += " and " + TableClient.CreateQueryFilter($"PartitionKey le {CallIds.UpperBoundCreatedSince(from)} and CreatedAt ge {from}");
        }

        var pages = _calls.QueryAsync<TableEntity>(filter, pageSize, cancellationToken: cancellationToken)
            .AsPages(DecodeToken(continuationToken), pageSize);
        await foreach (var page in pages)
        {
            var calls = page.Values.Select(CallEntityMapper.ToCall).ToList();
            return new CallPage(calls, EncodeToken(page.ContinuationToken));
        }

        return new CallPage([], null);
    }

    public async Task<CallPage> ListEndedAsync(EndedCallFilter filter, string? continuationToken, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);
        await InitializeAsync(cancellationToken);

        // Ids sort newest first: calls created in [from, to) lie between the two bounds, so the scan reads only them.
        var query = TableClient.CreateQueryFilter(
            $"PartitionKey gt {CallIds.UpperBoundCreatedSince(filter.To)} and PartitionKey le {CallIds.UpperBoundCreatedSince(filter.From)} and Kind eq {CallStoreKeys.CallKind} and IsFinal eq {true} and CreatedAt ge {filter.From} and CreatedAt lt {filter.To}");
        if (filter.PhoneNumberId is { } number)
        {
            query += " and " + TableClient.CreateQueryFilter($"BusinessPhoneNumberId eq {number}");
        }

        if (filter.Direction is { } direction)
        {
            query += " and " + TableClient.CreateQueryFilter($"Direction eq {direction.ToString()}");
        }

        if (filter.Outcome is { } outcome)
        {
            query += " and " + TableClient.CreateQueryFilter($"Outcome eq {outcome.ToString()}");
        }

        var pages = _calls.QueryAsync<TableEntity>(query, pageSize, cancellationToken: cancellationToken)
            .AsPages(DecodeToken(continuationToken), pageSize);
        await foreach (var page in pages)
        {
            return new CallPage(page.Values.Select(CallEntityMapper.ToCall).ToList(), EncodeToken(page.ContinuationToken));
        }

        return new CallPage([], null);
    }

    /// <summary>
    /// From the deadline index only (the due partitions up to now, never the calls table): each row is checked against
    /// its call, and a row the call no longer matches (ended, deadline moved, gone) is deleted.
    /// </summary>
    public async Task<IReadOnlyList<CallRecord>> ListOverdueAsync(
        DateTimeOffset now, int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        await InitializeAsync(cancellationToken);
        var overdue = new List<CallRecord>();
        // Read a few more rows than asked: stale ones are dropped on the way.
        foreach (var row in await _index.DueByAsync(now, maxCount * 2, cancellationToken))
        {
            var (call, _) = await ReadCallAsync(row.CallId, cancellationToken);
            var due = CallIndex.DueOf(call);
            if (call is null || due is null || CallIndex.DuePartition(due.Value) != row.PartitionKey)
            {
                await _index.ForgetAsync(row, cancellationToken);
                continue;
            }

            if (due <= now && overdue.All(c => c.CallId != call.CallId))
            {
                overdue.Add(call);
                if (overdue.Count == maxCount)
                {
                    break;
                }
            }
        }

        return overdue;
    }

    /// <summary>From the node index only (one partition): rows of calls that ended or moved are deleted on the way.</summary>
    public async Task<IReadOnlyList<CallRecord>> ListLiveOnNodeAsync(string nodeId, int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        await InitializeAsync(cancellationToken);
        var live = new List<CallRecord>();
        foreach (var row in await _index.OnNodeAsync(nodeId, maxCount * 2, cancellationToken))
        {
            var (call, _) = await ReadCallAsync(row.CallId, cancellationToken);
            if (call is not { IsFinal: false } || call.NodeId != nodeId)
            {
                await _index.ForgetAsync(row, cancellationToken);
                continue;
            }

            live.Add(call);
            if (live.Count == maxCount)
            {
                break;
            }
        }

        return live;
    }

    // The SDK's token joins partition and row key with a space; callers get it base64url-encoded so it is
    // opaque and safe in a query string.
    private static string? EncodeToken(string? token) =>
        token is null ? null : Base64Url.EncodeToString(Encoding.UTF8.GetBytes(token));

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The SDK token inside an API token; <see cref="ArgumentException"/> when it is not one we issued.</summary>
    private static string? DecodeToken(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        string decoded;
        try
        {
            decoded = StrictUtf8.GetString(Base64Url.DecodeFromChars(token));
        }
        catch (Exception ex) when (ex is FormatException or DecoderFallbackException)
        {
            throw new ArgumentException("Malformed continuation token.", nameof(token), ex);
        }

        // Ours is "<partition> <row>" (the SDK's form); anything else was not issued by this API.
        var parts = decoded.Split(' ');
        if (parts.Length != 2 || parts[0].Length == 0 || decoded.Any(char.IsControl))
        {
            throw new ArgumentException("Malformed continuation token.", nameof(token));
        }

        return decoded;
    }
}
