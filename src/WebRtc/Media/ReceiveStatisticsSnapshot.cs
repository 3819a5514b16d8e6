namespace Serverless.WebRtc.Media;

/// <summary>A consistent copy of a stream's <see cref="ReceiveStatistics"/> and jitter-buffer counters.</summary>
internal readonly record struct ReceiveStatisticsSnapshot
{
    public long PacketsReceived { get; init; }

    public long PayloadBytesReceived { get; init; }

    public long PacketsExpected { get; init; }

    public long CumulativeLost { get; init; }

    /// <summary>Fraction lost of the last report interval, 0..1.</summary>
    public double FractionLost { get; init; }

    public double JitterMilliseconds { get; init; }

    public long Duplicates { get; init; }

    public long Reordered { get; init; }

    /// <summary>Packets that missed their playout slot.</summary>
    public long TooLate { get; init; }
}
