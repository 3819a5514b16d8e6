using System.Diagnostics.Metrics;

namespace Serverless.MediaNode.Telemetry;

/// <summary>
/// One direction's processing latency of a stream step, in 0.1 ms buckets up to 200 ms (more is counted as over):
/// uplink from the caller's packet reaching the node (after SRTP, on the receive thread) to its frame handed to the
/// agent's WebSocket; downlink from the agent's message received to its frame taken by the pacer for sending, less
/// 20 ms per frame queued ahead of it on arrival (audio sent ahead of real time waits for its turn by design: that
/// wait is the agent's buffering, not the node's delay).
/// Also recorded into the node's meter (<see cref="MediaNodeMetrics.Name"/>). One writer per instance.
/// </summary>
public sealed class StreamLatency
{
    private const double BucketMs = 0.1;
    private const int Buckets = 2_000;

    private static readonly Meter Meter = new(MediaNodeMetrics.Name);
    private static readonly Histogram<double> Uplink =
        Meter.CreateHistogram<double>("medianode.stream.uplink_latency", "ms", "Caller packet received to its frame sent on the agent's WebSocket");
    private static readonly Histogram<double> Downlink =
        Meter.CreateHistogram<double>("medianode.stream.downlink_latency", "ms", "Agent message received to its frame taken for sending, less the audio queued ahead of it");

    private readonly Histogram<double> _instrument;
    private readonly long[] _counts = new long[Buckets + 1];
    private long _count;
    private double _maxMs;

    private StreamLatency(Histogram<double> instrument) => _instrument = instrument;

    /// <summary>Caller to agent.</summary>
    public static StreamLatency ForUplink() => new(Uplink);

    /// <summary>Agent to caller.</summary>
    public static StreamLatency ForDownlink() => new(Downlink);

    /// <summary>Frames measured.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>The longest measured, in ms.</summary>
    public double MaxMs => Volatile.Read(ref _maxMs);

    public void Record(TimeSpan elapsed)
    {
        var ms = Math.Max(0, elapsed.TotalMilliseconds);
        Interlocked.Increment(ref _counts[Math.Min(Buckets, (int)(ms / BucketMs))]);
        Interlocked.Increment(ref _count);
        if (ms > _maxMs)
        {
            Volatile.Write(ref _maxMs, ms);
        }

        _instrument.Record(ms);
    }

    /// <summary>The <paramref name="quantile"/> (0-1) in ms, as the upper edge of its bucket; 0 when nothing was measured.</summary>
    public double Percentile(double quantile)
    {
        var total = Count;
        if (total == 0)
        {
            return 0;
        }

        var rank = (long)Math.Ceiling(Math.Clamp(quantile, 0, 1) * total);
        long seen = 0;
        for (var i = 0; i <= Buckets; i++)
        {
            seen += Interlocked.Read(ref _counts[i]);
            if (seen >= Math.Max(1, rank))
            {
                return i == Buckets ? MaxMs : Math.Round((i + 1) * BucketMs, 1);
            }
        }

        return MaxMs;
    }
}
