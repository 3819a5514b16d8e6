namespace Serverless.WebRtc.Media;

/// <summary>A stream driven by <see cref="MediaPacer"/>: every 20 ms tick it produces its next frame.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "An RTP stream (RFC 3550 §3), not a System.IO.Stream.")]
internal interface IPacedStream
{
    /// <summary>Called on the pacer thread once per tick; must be quick and must not block.</summary>
    void OnTick();

    /// <summary>
    /// The pacer stalled and dropped <paramref name="count"/> ticks (beyond its catch-up bound) before the
    /// next <see cref="OnTick"/>: media clocks should jump by that much so timestamps keep tracking real time.
    /// </summary>
    void OnTicksSkipped(long count)
    {
    }
}
