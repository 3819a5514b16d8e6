using Serverless.WebRtc.Media;

namespace Serverless.MediaNode.Recording;

/// <summary>
/// How a recording fills a jump in RTP timestamps (loss, DTX, hold, or a hostile sender). The work per packet
/// is bounded whatever the jump: at most <see cref="MaxConcealedFrames"/> decoder concealments (Opus PLC fades
/// to silence within about 100 ms anyway), plain silence for the rest of a gap up to <see cref="MaxFilledGap"/>,
/// and a longer jump is a resync: the timeline goes on from the new packet without filling.
/// </summary>
public static class RecordingGaps
{
    /// <summary>Frames a WAV recording conceals with the decoder per gap (5 × 20 ms).</summary>
    public const int MaxConcealedFrames = 5;

    /// <summary>Longest gap filled (10 s of 48 kHz samples); a longer one is skipped, not stored.</summary>
    public const long MaxFilledGapSamples = OpusCodec.SampleRate * 10L;

    public static TimeSpan MaxFilledGap => TimeSpan.FromSeconds(MaxFilledGapSamples / (double)OpusCodec.SampleRate);
}
