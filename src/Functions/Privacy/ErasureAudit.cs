using System.Globalization;
using System.Security.Cryptography;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Serverless.Functions.Calls;
using Serverless.Functions.Storage;
using PhoneMask = Serverless.Shared.WhatsApp.PhoneMask;

namespace Serverless.Functions.Privacy;

/// <summary>
/// The audit trail of user erasures: table <c>{CallStore:TablePrefix}Audit</c>, partition <c>erasure</c>, one row per
/// erasure (row key = the audit id): when, by whom, the user's number masked (never in full) and what was erased.
/// Retention never deletes these rows.
/// </summary>
public sealed class ErasureAudit
{
    public const string Partition = "erasure";
    private readonly TableClient _table;
    private readonly TableInit _init;

    public ErasureAudit(TableServiceClient service, IOptions<CallStoreOptions> store)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(store);
        _table = service.GetTableClient(TableName(store.Value.TablePrefix));
        _init = new TableInit(() => _table.CreateIfNotExistsAsync());
    }

    public static string TableName(string callStorePrefix) => callStorePrefix + "Audit";

    /// <summary>Writes the record; returns its id (<c>erasure_</c> + time-ordered hex).</summary>
    public async Task<string> RecordAsync(string waId, string actor, UserErasureCounts counts, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(counts);
        await _init.EnsureAsync(cancellationToken);
        var id = "erasure_" + at.ToUnixTimeMilliseconds().ToString("x12", CultureInfo.InvariantCulture)
            + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        await _table.AddEntityAsync(
            new TableEntity(Partition, id)
            {
                ["At"] = at,
                ["Actor"] = actor,
                ["User"] = PhoneMask.Mask(waId),
                ["Calls"] = counts.Calls,
                ["Events"] = counts.Events,
                ["Recordings"] = counts.Recordings,
                ["Permissions"] = counts.Permissions,
                ["Dials"] = counts.Dials,
                ["Callbacks"] = counts.Callbacks,
                ["HeldWebhooks"] = counts.HeldWebhooks,
            },
            cancellationToken);
        return id;
    }
}
