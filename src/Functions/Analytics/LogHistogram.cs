using System.Text.Json.Serialization;

namespace Serverless.Functions.Analytics;

/// <summary>
/// A mergeable percentile sketch: counts in fixed log-scale buckets (bucket i holds values in (γ^(i-1), γ^i],
/// γ = <see cref="Gamma"/>), plus exact count, sum, min and max. Two histograms merge by adding counts, so hour rows
/// roll up into days and months without the raw values. A percentile is reported as its bucket's midpoint
/// 2γ^i/(γ+1), within <see cref="RelativeError"/> of the true nearest-rank value. Values at or below
/// <see cref="ZeroThreshold"/> (0 loss, a 0 s call) are counted apart and reported as 0.
/// </summary>
public sealed class LogHistogram
{
    /// <summary>Bucket growth factor: 2 % wide buckets.</summary>
    public const double Gamma = 1.02;

    /// <summary>The largest relative error of a reported percentile: (γ-1)/(γ+1) ≈ 0.99 %.</summary>
    public const double RelativeError = (Gamma - 1) / (Gamma + 1);

    /// <summary>Values at or below this count as zero (they have no log bucket).</summary>
    public const double ZeroThreshold = 1e-9;

    private static readonly double LogGamma = Math.Log(Gamma);

    [JsonPropertyName("n")]
    public long Count { get; set; }

    [JsonPropertyName("z")]
    public long Zeros { get; set; }

    [JsonPropertyName("s")]
    public double Sum { get; set; }

    [JsonPropertyName("lo")]
    public double Min { get; set; }

    [JsonPropertyName("hi")]
    public double Max { get; set; }

    /// <summary>Bucket index → count, only buckets that hold values (sparse, so a row stays small).</summary>
    [JsonPropertyName("b")]
    public SortedDictionary<int, long> Buckets { get; set; } = [];

    public void Add(double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            return;
        }

        // Negative values are clock skew between our own timestamps; they count as zero rather than vanish.
        value = Math.Max(0, value);
        Min = Count == 0 ? value : Math.Min(Min, value);
        Max = Count == 0 ? value : Math.Max(Max, value);
        Count++;
        Sum += value;
        if (value <= ZeroThreshold)
        {
            Zeros++;
            return;
        }

        var index = (int)Math.Ceiling(Math.Log(value) / LogGamma);
        Buckets[index] = Buckets.GetValueOrDefault(index) + 1;
    }

    public void Merge(LogHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Count == 0)
        {
            return;
        }

        Min = Count == 0 ? other.Min : Math.Min(Min, other.Min);
        Max = Count == 0 ? other.Max : Math.Max(Max, other.Max);
        Count += other.Count;
        Zeros += other.Zeros;
        Sum += other.Sum;
        foreach (var (index, count) in other.Buckets)
        {
            Buckets[index] = Buckets.GetValueOrDefault(index) + count;
        }
    }

    /// <summary>
    /// The nearest-rank <paramref name="quantile"/> (0 &lt; q ≤ 1): the value of rank ⌈q·n⌉, within
    /// <see cref="RelativeError"/>, clamped to the exact min and max. Null when empty.
    /// </summary>
    public double? Quantile(double quantile)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(quantile);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quantile, 1);
        if (Count == 0)
        {
            return null;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(quantile * Count));
        if (rank <= Zeros)
        {
            return 0;
        }

        var seen = Zeros;
        foreach (var (index, count) in Buckets)
        {
            seen += count;
            if (seen >= rank)
            {
                var mid = 2 * Math.Pow(Gamma, index) / (Gamma + 1);
                return Math.Clamp(mid, Min, Max);
            }
        }

        return Max;
    }

    /// <summary>
    /// Counts per bin [edges[j], edges[j+1]), the last bin open-ended; values below edges[0] count in the first bin.
    /// A bucket is placed by its midpoint, so a value within <see cref="RelativeError"/> of an edge may land in the
    /// neighbouring bin; the counts always add up to <see cref="Count"/>.
    /// </summary>
    public long[] Bin(IReadOnlyList<double> edges)
    {
        ArgumentNullException.ThrowIfNull(edges);
        ArgumentOutOfRangeException.ThrowIfZero(edges.Count);
        var bins = new long[edges.Count];
        bins[0] += Zeros;
        foreach (var (index, count) in Buckets)
        {
            var mid = Math.Clamp(2 * Math.Pow(Gamma, index) / (Gamma + 1), Min, Max);
            var bin = 0;
            while (bin + 1 < edges.Count && mid >= edges[bin + 1])
            {
                bin++;
            }

            bins[bin] += count;
        }

        return bins;
    }
}
