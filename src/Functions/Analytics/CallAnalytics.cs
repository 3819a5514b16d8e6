using System.Globalization;
using Serverless.Functions.Calls;

namespace Serverless.Functions.Analytics;

/// <summary>How <c>GET /api/analytics/calls</c> groups calls.</summary>
public enum AnalyticsGroupBy
{
    Day,
    Hour,
    PhoneNumber,
    Direction,
    Outcome,
}

/// <summary>
/// Answers an analytics query from the rollups alone: the range is tiled with the coarsest rows that fit (months inside,
/// days and hours at the edges; days at most for <c>groupBy=day</c>, hours for <c>hour</c>, which read the periods'
/// total rows only), each row is merged into its group, and the merged sketches give the percentiles. Cost grows with
/// the range's rows, not with the calls.
/// </summary>
public sealed class CallAnalytics(CallRollupStore store)
{
    private const int TopFailures = 10;

    public async Task<CallAnalyticsResource> QueryAsync(DateTimeOffset from, DateTimeOffset to, AnalyticsGroupBy groupBy, CancellationToken cancellationToken)
    {
        var coarsest = groupBy switch
        {
            AnalyticsGroupBy.Hour => RollupGranularity.Hour,
            AnalyticsGroupBy.Day => RollupGranularity.Day,
            _ => RollupGranularity.Month,
        };
        var spans = RollupPeriod.Tile(from, to, coarsest);
        // By time, each period's total row is its group (a year by day: 365 rows); by a dimension, the dimension rows.
        var rows = groupBy is AnalyticsGroupBy.Day or AnalyticsGroupBy.Hour
            ? await store.ReadTotalsAsync(spans, cancellationToken)
            : await store.ReadAsync(spans, cancellationToken);
        var total = new CallRollup();
        var groups = new SortedDictionary<string, CallRollup>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            total.Merge(row.Rollup);
            if (groupBy == AnalyticsGroupBy.Outcome && row.Outcome == CallRollupStore.PermissionRow)
            {
                // Permission requests and grants have no call outcome: they count in the total only.
                continue;
            }

            var key = KeyOf(row, groupBy);
            if (!groups.TryGetValue(key, out var group))
            {
                groups[key] = group = new CallRollup();
            }

            group.Merge(row.Rollup);
        }

        return new CallAnalyticsResource
        {
            From = from,
            To = to,
            GroupBy = WireText.Of(groupBy),
            PercentileRelativeError = Math.Round(LogHistogram.RelativeError, 6),
            Total = Group("total", total),
            Groups = [.. groups.Select(g => Group(g.Key, g.Value))],
        };
    }

    private static string KeyOf(RollupRow row, AnalyticsGroupBy groupBy) => groupBy switch
    {
        AnalyticsGroupBy.Hour => row.Start.UtcDateTime.ToString("yyyy-MM-dd'T'HH':00:00Z'", CultureInfo.InvariantCulture),
        AnalyticsGroupBy.Day => row.Start.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        AnalyticsGroupBy.PhoneNumber => row.PhoneNumberId,
        AnalyticsGroupBy.Direction => row.Direction,
        _ => row.Outcome,
    };

    private static CallStatsGroup Group(string key, CallRollup rollup) => new()
    {
        Key = key,
        Calls = rollup.Calls,
        Outcomes = new OutcomeCounts
        {
            Completed = rollup.Outcomes.GetValueOrDefault(WireText.Of(CallOutcome.Completed)),
            Rejected = rollup.Outcomes.GetValueOrDefault(WireText.Of(CallOutcome.Rejected)),
            NoAnswer = rollup.Outcomes.GetValueOrDefault(WireText.Of(CallOutcome.NoAnswer)),
            Cancelled = rollup.Outcomes.GetValueOrDefault(WireText.Of(CallOutcome.Cancelled)),
            Failed = rollup.Outcomes.GetValueOrDefault(WireText.Of(CallOutcome.Failed)),
        },
        Answered = rollup.Answered,
        AnswerRate = Rate(rollup.Answered, rollup.Calls),
        SuccessRate = Rate(rollup.Outcomes.GetValueOrDefault(WireText.Of(CallOutcome.Completed)), rollup.Calls),
        DurationSeconds = Distribution.Of(rollup.Duration),
        Setup = new SetupTimes
        {
            DialToRingingMs = Distribution.Of(rollup.DialToRinging, Distribution.SetupBinsMs),
            RingingToAnsweredMs = Distribution.Of(rollup.RingingToAnswered, Distribution.SetupBinsMs),
            WebhookToAcceptMs = Distribution.Of(rollup.WebhookToAccept, Distribution.SetupBinsMs),
            AnsweredToMediaMs = Distribution.Of(rollup.AnsweredToMedia, Distribution.SetupBinsMs),
        },
        Quality = new AudioQuality
        {
            Mos = Distribution.Of(rollup.Mos, Distribution.MosBins),
            CallsWithMos = rollup.Mos.Count,
            BelowMos35 = rollup.PoorMosCalls,
            BelowMos35Share = Rate(rollup.PoorMosCalls, rollup.Mos.Count),
            LossPercent = Distribution.Of(rollup.LossPercent),
            JitterMs = Distribution.Of(rollup.JitterMs),
            RoundTripMs = Distribution.Of(rollup.RoundTripMs),
        },
        Connectivity = new MediaConnectivity
        {
            CandidatePairs = [.. ByCount(rollup.CandidatePairs).Select(p => new CandidatePairCount
            {
                Local = p.Key.Split('/')[0], Remote = p.Key.Split('/')[^1], Count = p.Value,
            })],
            DtlsVersions = [.. ByCount(rollup.DtlsVersions).Select(v => new NamedCount { Name = v.Key, Count = v.Value })],
            CipherSuites = [.. ByCount(rollup.CipherSuites).Select(v => new NamedCount { Name = v.Key, Count = v.Value })],
            IceMs = Distribution.Of(rollup.IceMs),
            DtlsMs = Distribution.Of(rollup.DtlsMs),
        },
        PermissionFunnel = new PermissionFunnel
        {
            Requested = rollup.PermissionRequests,
            Granted = rollup.PermissionGrants,
            Dialled = rollup.Dialled,
            Answered = rollup.DialledAnswered,
        },
        TopFailures = [.. rollup.Errors
            .OrderByDescending(e => e.Value).ThenBy(e => e.Key, StringComparer.Ordinal)
            .Take(TopFailures)
            .Select(e => FailureCount.Of(e.Key, e.Value))],
    };

    private static IEnumerable<KeyValuePair<string, long>> ByCount(SortedDictionary<string, long> counts) =>
        counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal);

    private static double? Rate(long part, long whole) => whole == 0 ? null : (double)part / whole;
}
