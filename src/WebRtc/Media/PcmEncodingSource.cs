namespace Serverless.WebRtc.Media;

/// <summary>
/// Live 48 kHz mono PCM written by a producer, encoded to Opus one frame per tick. Buffers at most
/// <paramref name="capacityFrames"/> frames; older samples are dropped when the producer runs ahead.
/// Encoding happens in <see cref="TryReadFrame"/>, i.e. on the shared pacer thread (≈0.15 ms per frame with
/// managed Concentus, about 1.7× less with native libopus, docs/performance.md): fine for a few live calls; at
/// scale encode on the producer side and feed an <see cref="EncodedFrameQueue"/> instead. The ring and the
/// frame are allocated once; nothing is allocated per frame on our side.
/// </summary>
public sealed class PcmEncodingSource(OpusFrameEncoder encoder, int capacityFrames = 25) : IAudioSource, IDisposable
{
    private readonly OpusFrameEncoder _encoder = encoder ?? throw new ArgumentNullException(nameof(encoder));
    private readonly short[] _ring = new short[Math.Max(capacityFrames, 1) * OpusCodec.FrameSamples];
    private readonly short[] _frame = new short[OpusCodec.FrameSamples];
    private readonly Lock _gate = new();
    private int _start;
    private int _count;
    private long _droppedSamples;

    public int BufferedSamples
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>Samples discarded because the buffer was full.</summary>
    public long DroppedSamples => Interlocked.Read(ref _droppedSamples);

    public void Write(ReadOnlySpan<short> samples)
    {
        lock (_gate)
        {
            foreach (var sample in samples)
            {
                if (_count == _ring.Length)
                {
                    _start = (_start + 1) % _ring.Length;
                    _count--;
                    _droppedSamples++;
                }

                _ring[(_start + _count) % _ring.Length] = sample;
                _count++;
            }
        }
    }

    public bool TryReadFrame(Span<byte> destination, out int written)
    {
        written = 0;
        lock (_gate)
        {
            if (_count < OpusCodec.FrameSamples)
            {
                return false;
            }

            for (var i = 0; i < _frame.Length; i++)
            {
                _frame[i] = _ring[(_start + i) % _ring.Length];
            }

            _start = (_start + OpusCodec.FrameSamples) % _ring.Length;
            _count -= OpusCodec.FrameSamples;
        }

        written = _encoder.Encode(_frame, destination);
        return true;
    }

    public void Dispose() => _encoder.Dispose();
}
