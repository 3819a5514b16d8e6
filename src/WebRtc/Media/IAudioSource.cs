namespace Serverless.WebRtc.Media;

/// <summary>Supplies the next encoded 20 ms Opus frame for a send stream, called once per pacer tick.</summary>
public interface IAudioSource
{
    /// <summary>
    /// Copies the next Opus frame into <paramref name="destination"/>; false when nothing is ready, in which
    /// case the stream sends its cached silence frame.
    /// </summary>
    bool TryReadFrame(Span<byte> destination, out int written);
}
