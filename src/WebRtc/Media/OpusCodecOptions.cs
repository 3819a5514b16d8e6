namespace Serverless.WebRtc.Media;

/// <summary>Encoder and decoder settings. Defaults: managed Concentus, complexity 5, 32 kbps, in-band FEC on.</summary>
public sealed record OpusCodecOptions
{
    /// <summary>
    /// Let Concentus use a system libopus. Off by default so behaviour and CPU cost do not depend on whether
    /// libopus happens to be installed (Concentus itself defaults this global to true).
    /// </summary>
    public bool AttemptToUseNativeLibrary { get; init; }

    /// <summary>Opus complexity 0-10; 5 costs about 60 % of 10 (perf-baselines §2).</summary>
    public int Complexity { get; init; } = 5;

    /// <summary>Target bitrate in bits per second.</summary>
    public int BitrateBitsPerSecond { get; init; } = 32_000;

    /// <summary>Expected loss; makes the encoder spend bits on in-band FEC (LBRR) for the previous frame.</summary>
    public int PacketLossPercent { get; init; } = 10;

    /// <summary>In-band FEC, so a lost frame can be rebuilt from the next packet.</summary>
    public bool UseInbandFec { get; init; } = true;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(Complexity);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Complexity, 10);
        ArgumentOutOfRangeException.ThrowIfLessThan(BitrateBitsPerSecond, 6_000);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(BitrateBitsPerSecond, 510_000);
        ArgumentOutOfRangeException.ThrowIfNegative(PacketLossPercent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(PacketLossPercent, 100);
    }
}
