namespace Serverless.WebRtc.Media;

internal sealed record JitterBufferOptions
{
    /// <summary>Playout waits until this much audio is buffered: the reorder window.</summary>
    public TimeSpan TargetDelay { get; init; } = TimeSpan.FromMilliseconds(60);

    /// <summary>
    /// Upper bound the adaptive delay may grow to when packets keep arriving too late; also sizes the
    /// buffer, so memory is bounded by (MaxDelay / 20 ms + 2) slots of 1500 bytes.
    /// </summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    internal int TargetFrames => FramesFor(TargetDelay);

    internal int MaxFrames => Math.Max(FramesFor(MaxDelay), TargetFrames);

    private static int FramesFor(TimeSpan delay) => Math.Max(1, (int)Math.Ceiling(delay / OpusCodec.FrameDuration));
}
