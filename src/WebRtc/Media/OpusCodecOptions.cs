namespace Serverless.WebRtc.Media;

/// <summary>Encoder and decoder settings. Defaults: managed Concentus, complexity 5, 32 kbps, in-band FEC on.</summary>
public sealed record OpusCodecOptions
{
    /// <summary>
    /// Use a system libopus (<c>libopus.so.0</c> from Debian's <c>libopus0</c>, or <c>libopus.so</c>) when one loads,
    /// else managed Concentus. Off by default here so library behaviour and CPU cost do not depend on what happens
    /// to be installed; the MediaNode turns it on (<c>MediaNode:Opus:UseNativeLibrary</c>).
    /// </summary>
    public bool AttemptToUseNativeLibrary { get; init; }

    /// <summary>Opus complexity 0-10 of live encoders (per-frame cost paid in real time); 5 costs about 60 % of 10.</summary>
    public int Complexity { get; init; } = 5;

    /// <summary>
    /// Complexity of encoders whose output is kept and re-sent (prompts, encoded once per content): the cost is
    /// paid once, so spend it on quality.
    /// </summary>
    public int OfflineComplexity { get; init; } = 10;

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
        ArgumentOutOfRangeException.ThrowIfNegative(OfflineComplexity);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(OfflineComplexity, 10);
        ArgumentOutOfRangeException.ThrowIfLessThan(BitrateBitsPerSecond, 6_000);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(BitrateBitsPerSecond, 510_000);
        ArgumentOutOfRangeException.ThrowIfNegative(PacketLossPercent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(PacketLossPercent, 100);
    }
}
