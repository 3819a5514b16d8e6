using System.Text.RegularExpressions;

namespace Serverless.Functions.Analytics;

/// <summary>Configuration section <see cref="SectionName"/>: the call rollups behind <c>GET /api/analytics/calls</c>.</summary>
public sealed partial class AnalyticsOptions
{
    public const string SectionName = "Analytics";

    /// <summary>Prefix of the rollup table's name (<c>{prefix}CallRollups</c>).</summary>
    public string TablePrefix { get; set; } = "Analytics";

    /// <summary>ETag races one rollup row may lose in a row before the end of a call fails (and is redelivered).</summary>
    public int MaxConcurrencyRetries { get; set; } = 20;

    /// <summary>Longest range one query may span (a year of month rows is a few hundred rows per dimension).</summary>
    public int MaxRangeDays { get; set; } = 400;

    /// <summary>Longest range <c>groupBy=hour</c> may span (one group per hour).</summary>
    public int MaxHourlyRangeDays { get; set; } = 31;

    /// <summary>
    /// The Entra app role (a <c>roles</c> claim) a signed-in user needs to open the dashboard (all numbers' analytics
    /// and the calls behind them). Its own role, not the console's <c>CallAgent</c>: an agent handles calls, an
    /// analyst sees the whole business's numbers; give both to a supervisor.
    /// </summary>
    public string DashboardRole { get; set; } = "CallAnalyst";

    public string TableName => TablePrefix + "CallRollups";

    /// <summary>Throws when a value cannot work.</summary>
    public void Validate()
    {
        if (!Prefix().IsMatch(TablePrefix))
        {
            throw new ArgumentException($"TablePrefix '{TablePrefix}' must be 1-40 letters or digits starting with a letter.", nameof(TablePrefix));
        }

        if (!Role().IsMatch(DashboardRole ?? ""))
        {
            throw new ArgumentException($"DashboardRole '{DashboardRole}' must be 1-64 letters, digits, '.', '_' or '-'.", nameof(DashboardRole));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrencyRetries, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRangeDays, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxHourlyRangeDays, 1);
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{0,39}$")]
    private static partial Regex Prefix();

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex Role();
}
