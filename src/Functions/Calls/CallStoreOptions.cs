using System.Text.RegularExpressions;

namespace Serverless.Functions.Calls;

/// <summary>Configuration of <see cref="TableCallStore"/>.</summary>
public sealed partial class CallStoreOptions
{
    /// <summary>
    /// Used only when no <c>TableServiceClient</c> is registered in DI (production registers an identity-based one).
    /// </summary>
    public string ConnectionString { get; set; } = "UseDevelopmentStorage=true";

    /// <summary>Prefix of the three table names (letters and digits, starting with a letter).</summary>
    public string TablePrefix { get; set; } = "Calls";

    /// <summary>How often one ApplyAsync re-reads and re-applies after losing an ETag race.</summary>
    public int MaxConcurrencyRetries { get; set; } = 64;

    public CallTimeouts Timeouts { get; set; } = CallTimeouts.Default;

    /// <summary>Call entities plus each call's event history (same partition, so both change in one transaction).</summary>
    public string CallsTable => TablePrefix + "Calls";

    /// <summary>Meta's wacid → our call id.</summary>
    public string WacidIndexTable => TablePrefix + "Wacids";

    /// <summary>Dial API Idempotency-Key → our call id.</summary>
    public string IdempotencyTable => TablePrefix + "Idempotency";

    /// <summary>Live calls by deadline minute and by node (<see cref="CallIndex"/>): what the sweeper and the node watch read.</summary>
    public string CallIndexTable => TablePrefix + "CallIndex";

    /// <summary>Throws when the prefix cannot form Azure table names (3–63 alphanumerics, leading letter).</summary>
    public void Validate()
    {
        if (!TablePrefixPattern().IsMatch(TablePrefix))
        {
            throw new ArgumentException(
                $"TablePrefix '{TablePrefix}' must be 1-40 letters or digits starting with a letter.", nameof(TablePrefix));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrencyRetries, 1);
        ArgumentNullException.ThrowIfNull(Timeouts);
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{0,39}$")]
    private static partial Regex TablePrefixPattern();
}
