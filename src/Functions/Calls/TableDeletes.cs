using System.Net;
using Azure;
using Azure.Data.Tables;

namespace Serverless.Functions.Calls;

/// <summary>Deleting many rows: one entity-group transaction per partition and 100 rows (the service's limit).</summary>
internal static class TableDeletes
{
    private const int MaxPerTransaction = 100;

    /// <summary>Deletes the rows (already gone: fine); returns how many were asked for.</summary>
    public static async Task<int> DeleteAsync(TableClient table, IEnumerable<(string PartitionKey, string RowKey)> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(rows);
        var count = 0;
        foreach (var partition in rows.Distinct().GroupBy(r => r.PartitionKey, StringComparer.Ordinal))
        {
            foreach (var chunk in partition.Chunk(MaxPerTransaction))
            {
                count += chunk.Length;
                try
                {
                    await table.SubmitTransactionAsync(
                        chunk.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(r.PartitionKey, r.RowKey), ETag.All)),
                        cancellationToken);
                }
                catch (TableTransactionFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
                {
                    // A row went meanwhile (another run, the sweeper): the transaction failed as a whole, so row by row.
                    foreach (var (partitionKey, rowKey) in chunk)
                    {
                        await DeleteOneAsync(table, partitionKey, rowKey, cancellationToken);
                    }
                }
            }
        }

        return count;
    }

    public static async Task DeleteOneAsync(TableClient table, string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        try
        {
            await table.DeleteEntityAsync(partitionKey, rowKey, ETag.All, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
        }
    }

    /// <summary>The keys of the rows matching <paramref name="filter"/> (only the keys are read).</summary>
    public static async Task<List<(string PartitionKey, string RowKey)>> KeysAsync(TableClient table, string filter, CancellationToken cancellationToken)
    {
        var keys = new List<(string, string)>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            keys.Add((row.PartitionKey, row.RowKey));
        }

        return keys;
    }
}
