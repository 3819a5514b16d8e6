using System.Globalization;

namespace Serverless.Functions.Analytics;

/// <summary>The three rollup granularities. Their partition keys sort in time order within a granularity.</summary>
public enum RollupGranularity
{
    Hour,
    Day,
    Month,
}

/// <summary>Period arithmetic and partition keys (<c>h-yyyyMMddHH</c>, <c>d-yyyyMMdd</c>, <c>m-yyyyMM</c>), all UTC.</summary>
internal static class RollupPeriod
{
    public static DateTimeOffset Floor(DateTimeOffset at, RollupGranularity granularity)
    {
        var utc = at.ToUniversalTime();
        return granularity switch
        {
            RollupGranularity.Hour => new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero),
            RollupGranularity.Day => new DateTimeOffset(utc.Year, utc.Month, utc.Day, 0, 0, 0, TimeSpan.Zero),
            _ => new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero),
        };
    }

    public static DateTimeOffset Ceiling(DateTimeOffset at, RollupGranularity granularity)
    {
        var floor = Floor(at, granularity);
        return floor == at ? floor : Next(floor, granularity);
    }

    public static DateTimeOffset Next(DateTimeOffset start, RollupGranularity granularity) => granularity switch
    {
        RollupGranularity.Hour => start.AddHours(1),
        RollupGranularity.Day => start.AddDays(1),
        _ => start.AddMonths(1),
    };

    public static string PartitionKey(DateTimeOffset start, RollupGranularity granularity) => granularity switch
    {
        RollupGranularity.Hour => "h-" + start.UtcDateTime.ToString("yyyyMMddHH", CultureInfo.InvariantCulture),
        RollupGranularity.Day => "d-" + start.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture),
        _ => "m-" + start.UtcDateTime.ToString("yyyyMM", CultureInfo.InvariantCulture),
    };

    public static (RollupGranularity Granularity, DateTimeOffset Start) Parse(string partitionKey)
    {
        var (granularity, format) = partitionKey[0] switch
        {
            'h' => (RollupGranularity.Hour, "yyyyMMddHH"),
            'd' => (RollupGranularity.Day, "yyyyMMdd"),
            'm' => (RollupGranularity.Month, "yyyyMM"),
            _ => throw new FormatException("Not a rollup partition: " + partitionKey),
        };
        var start = DateTime.ParseExact(partitionKey.AsSpan(2), format, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        return (granularity, new DateTimeOffset(start, TimeSpan.Zero));
    }

    /// <summary>
    /// Covers [from, to) (whole hours) with the fewest rows of granularity at most <paramref name="coarsest"/>: hours up
    /// to the first whole day, days up to the first whole month, months, then days and hours to the end. Each span is
    /// contiguous in one granularity, so it is one partition-range query.
    /// </summary>
    public static List<(RollupGranularity Granularity, DateTimeOffset Start, DateTimeOffset End)> Tile(
        DateTimeOffset from, DateTimeOffset to, RollupGranularity coarsest)
    {
        var spans = new List<(RollupGranularity, DateTimeOffset, DateTimeOffset)>();
        Cover(from, to, coarsest, spans);
        return spans;
    }

    private static void Cover(DateTimeOffset from, DateTimeOffset to, RollupGranularity granularity, List<(RollupGranularity, DateTimeOffset, DateTimeOffset)> spans)
    {
        if (from >= to)
        {
            return;
        }

        if (granularity == RollupGranularity.Hour)
        {
            spans.Add((RollupGranularity.Hour, from, to));
            return;
        }

        var finer = granularity - 1;
        var start = Ceiling(from, granularity);
        var end = Floor(to, granularity);
        if (start >= end)
        {
            Cover(from, to, finer, spans);
            return;
        }

        Cover(from, start, finer, spans);
        spans.Add((granularity, start, end));
        Cover(end, to, finer, spans);
    }
}
