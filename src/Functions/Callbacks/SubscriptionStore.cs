using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Serverless.Functions.Storage;

namespace Serverless.Functions.Callbacks;

/// <summary>
/// Subscriptions in one table (<c>{Callbacks:TablePrefix}Subscriptions</c>), one row per subscription in partition
/// <c>sub</c>. Every status event reads the partition, so an unsubscribe takes effect for the next event; the table
/// holds at most <see cref="MaxSubscriptions"/> rows.
/// </summary>
public sealed class SubscriptionStore
{
    /// <summary>The most subscriptions kept: each one is read for every status event.</summary>
    public const int MaxSubscriptions = 100;

    private const string Partition = "sub";
    private readonly TableClient _table;
    private readonly TableInit _init;

    public SubscriptionStore(TableServiceClient client, IOptions<CallbackOptions> options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        _table = client.GetTableClient(options.Value.TablePrefix + "Subscriptions");
        _init = new TableInit(() => _table.CreateIfNotExistsAsync());
    }

    /// <summary>Stores <paramref name="subscription"/>; false when <see cref="MaxSubscriptions"/> are already stored.</summary>
    public async Task<bool> AddAsync(CallEventSubscription subscription, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        if ((await ListAsync(cancellationToken)).Count >= MaxSubscriptions)
        {
            return false;
        }

        await _table.AddEntityAsync(new TableEntity(Partition, subscription.Id)
        {
            ["Url"] = subscription.Url,
            ["Events"] = string.Join(' ', subscription.Events),
            ["PhoneNumberId"] = subscription.PhoneNumberId,
            ["CreatedAt"] = subscription.CreatedAt,
        }, cancellationToken);
        return true;
    }

    /// <summary>Removes the subscription; false when there was none.</summary>
    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        await _init.EnsureAsync(cancellationToken);
        // The SDK answers a missing row's 404 without throwing.
        using var response = await _table.DeleteEntityAsync(Partition, id, ETag.All, cancellationToken);
        return response.Status != 404;
    }

    /// <summary>Every subscription.</summary>
    public async Task<IReadOnlyList<CallEventSubscription>> ListAsync(CancellationToken cancellationToken)
    {
        await _init.EnsureAsync(cancellationToken);
        var result = new List<CallEventSubscription>();
        await foreach (var row in _table.QueryAsync<TableEntity>(e => e.PartitionKey == Partition, cancellationToken: cancellationToken))
        {
            result.Add(new CallEventSubscription(
                row.RowKey,
                row.GetString("Url"),
                row.GetString("Events").Split(' ', StringSplitOptions.RemoveEmptyEntries),
                row.GetString("PhoneNumberId"),
                row.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue));
        }

        return result;
    }

    /// <summary>The subscriptions an event of <paramref name="type"/> about a call of <paramref name="phoneNumberId"/> goes to.</summary>
    public async Task<IReadOnlyList<CallEventSubscription>> MatchingAsync(string type, string phoneNumberId, CancellationToken cancellationToken) =>
        [.. (await ListAsync(cancellationToken)).Where(s => s.Matches(type, phoneNumberId))];
}
