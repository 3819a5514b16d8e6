namespace Serverless.WebRtc.Media;

internal sealed record MediaPacerOptions
{
    /// <summary>Tick period: one audio frame.</summary>
    public TimeSpan Interval { get; init; } = OpusCodec.FrameDuration;

    /// <summary>
    /// After a stall, at most this many overdue ticks run back to back; older ones are skipped, so a paused
    /// process does not burst seconds of audio onto the network at once.
    /// </summary>
    public int MaxCatchUpTicks { get; init; } = 3;

    /// <summary>
    /// Slots per tick: each stream sends at a fixed offset (its slot) within the 20 ms tick, so the streams' packets
    /// spread over the tick instead of leaving in one burst (a burst of 500 sends put the last one 14 ms late).
    /// 10 slots of 2 ms: a timed wait's millisecond resolution leaves each slot at most ~1 ms late.
    /// </summary>
    public int Slots { get; init; } = 10;
}
