using System.Text.RegularExpressions;

namespace Serverless.Functions.Permissions;

/// <summary>Configuration section <see cref="SectionName"/> of the permission service.</summary>
public sealed partial class PermissionOptions
{
    /// <summary>Default configuration section.</summary>
    public const string SectionName = "Permissions";

    /// <summary>Used only when no <c>TableServiceClient</c> is registered.</summary>
    public string ConnectionString { get; set; } = "UseDevelopmentStorage=true";

    /// <summary>Prefix of the permission table's name.</summary>
    public string TablePrefix { get; set; } = "Perm";

    /// <summary>How long a <c>call_permissions</c> answer is trusted before Graph is asked again.</summary>
    public TimeSpan CacheTtl { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Meta's <c>call_permissions</c> limit: 5 requests per second per app (else 613).</summary>
    public int GraphRequestsPerSecond { get; set; } = 5;

    /// <summary>
    /// How long every <c>call_permissions</c> attempt waits after a 613 that carried no Retry-After. How often a
    /// lookup is retried is the Graph client's <c>WhatsAppGraph:MaxRetryAttempts</c> (the one retry layer).
    /// </summary>
    public TimeSpan RateLimitBackOff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// We stop dialling after this many consecutive unanswered or rejected business calls: Meta asks the user to
    /// reconsider at 2 and revokes the permission at 4 (meta-calling-api.md §3).
    /// </summary>
    public int MaxConsecutiveUnanswered { get; set; } = 2;

    /// <summary>Our own guard: permission requests per rolling 24 h (Meta: 1).</summary>
    public int MaxRequestsPerDay { get; set; } = 1;

    /// <summary>Our own guard: permission requests per rolling 7 days (Meta: 2).</summary>
    public int MaxRequestsPerWeek { get; set; } = 2;

    /// <summary>The table's name.</summary>
    public string TableName => TablePrefix + "CallPermissions";

    /// <summary>Throws when a value cannot work.</summary>
    public void Validate()
    {
        if (!Prefix().IsMatch(TablePrefix))
        {
            throw new ArgumentException($"TablePrefix '{TablePrefix}' must be 1-40 letters or digits starting with a letter.", nameof(TablePrefix));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(CacheTtl, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(GraphRequestsPerSecond, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RateLimitBackOff, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConsecutiveUnanswered, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRequestsPerDay, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRequestsPerWeek, MaxRequestsPerDay);
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{0,39}$")]
    private static partial Regex Prefix();
}
