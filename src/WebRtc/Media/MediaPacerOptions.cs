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
}
