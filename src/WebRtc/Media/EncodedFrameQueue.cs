using System.Collections.Concurrent;

namespace Serverless.WebRtc.Media;

/// <summary>
/// Pre-encoded Opus frames (a prompt) played one per tick. Producers enqueue from any thread; the pacer
/// dequeues without allocating.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "It is a FIFO of frames; the name says so.")]
public sealed class EncodedFrameQueue : IAudioSource
{
    private readonly ConcurrentQueue<ReadOnlyMemory<byte>> _frames = new();

    public int Count => _frames.Count;

    /// <summary>Queues one 20 ms Opus packet; the memory must stay unchanged until it is sent.</summary>
    public void Enqueue(ReadOnlyMemory<byte> frame)
    {
        if (frame.Length is 0 or > OpusCodec.MaxPacketBytes)
        {
            throw new ArgumentException("An Opus frame is 1 to 1500 bytes.", nameof(frame));
        }

        _frames.Enqueue(frame);
    }

    public void Clear() => _frames.Clear();

    public bool TryReadFrame(Span<byte> destination, out int written)
    {
        written = 0;
        if (!_frames.TryDequeue(out var frame))
        {
            return false;
        }

        frame.Span.CopyTo(destination);
        written = frame.Length;
        return true;
    }
}
