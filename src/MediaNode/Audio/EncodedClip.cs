using Serverless.WebRtc.Media;

namespace Serverless.MediaNode.Audio;

/// <summary>
/// A prompt's or tone's Opus frames (20 ms each), encoded incrementally: the first second is encoded before the clip is
/// handed out, so it starts playing at once, and the rest on a background task well ahead of the pacer (encoding takes
/// about a millisecond a frame, playing twenty). A 10-minute tone therefore no longer holds its step (and a hang-up
/// behind it) for the seconds a whole encode takes. Cached by <see cref="PromptCache"/>: later calls share the frames.
/// Thread-safe: one encoder task writes, any number of pacers read.
/// </summary>
public sealed class EncodedClip
{
    /// <summary>Frames encoded before the clip is returned (1 s).</summary>
    public const int EagerFrames = 50;

    private readonly ReadOnlyMemory<byte>[] _frames;
    private int _encoded;

    private EncodedClip(ReadOnlyMemory<byte>[] frames, int encoded, Task completed)
    {
        _frames = frames;
        _encoded = encoded;
        Completed = completed;
    }

    /// <summary>Frames in the whole clip.</summary>
    public int Length => _frames.Length;

    /// <summary>Frames encoded so far.</summary>
    public int EncodedCount => Volatile.Read(ref _encoded);

    /// <summary>Done once every frame is encoded.</summary>
    public Task Completed { get; private set; }

    /// <summary>Frame <paramref name="index"/>, if it is encoded yet (the pacer then sends nothing this tick).</summary>
    public bool TryGet(int index, out ReadOnlyMemory<byte> frame)
    {
        if ((uint)index < (uint)Volatile.Read(ref _encoded))
        {
            frame = _frames[index];
            return true;
        }

        frame = default;
        return false;
    }

    /// <summary>Frame <paramref name="index"/>, waiting for its encoding (tests and tools; the pacer uses <see cref="TryGet"/>).</summary>
    public ReadOnlyMemory<byte> this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Length, nameof(index));
            if (!TryGet(index, out var frame))
            {
                Completed.GetAwaiter().GetResult();
                frame = _frames[index];
            }

            return frame;
        }
    }

    /// <summary>Every frame, waiting for the encoding to finish (tests and tools).</summary>
    public ReadOnlyMemory<byte>[] ToArray()
    {
        Completed.GetAwaiter().GetResult();
        return [.. _frames];
    }

    /// <summary>Already encoded frames.</summary>
    public static EncodedClip Of(ReadOnlyMemory<byte>[] frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        return new EncodedClip(frames, frames.Length, Task.CompletedTask);
    }

    /// <summary>
    /// Encodes <paramref name="frameCount"/> frames whose 48 kHz PCM <paramref name="fill"/> writes (frame index,
    /// 960 samples), the first <see cref="EagerFrames"/> now and the rest in the background.
    /// </summary>
    public static EncodedClip Encode(int frameCount, Action<int, short[]> fill, OpusEncoderFactory codecs)
    {
        ArgumentNullException.ThrowIfNull(fill);
        ArgumentNullException.ThrowIfNull(codecs);
        var clip = new EncodedClip(new ReadOnlyMemory<byte>[frameCount], 0, Task.CompletedTask);
        var encoder = codecs.CreateEncoder(codecs.Options.OfflineComplexity); // encoded once, sent on every call
        var pcm = new short[OpusCodec.FrameSamples];
        var buffer = new byte[OpusCodec.MaxPacketBytes];
        try
        {
            clip.EncodeRange(0, Math.Min(EagerFrames, frameCount), fill, encoder, pcm, buffer);
        }
        catch
        {
            encoder.Dispose();
            throw;
        }

        if (clip.EncodedCount == frameCount)
        {
            encoder.Dispose();
            return clip;
        }

        clip.Completed = Task.Run(() =>
        {
            using (encoder)
            {
                clip.EncodeRange(clip.EncodedCount, frameCount, fill, encoder, pcm, buffer);
            }
        });
        return clip;
    }

    private void EncodeRange(int from, int to, Action<int, short[]> fill, OpusFrameEncoder encoder, short[] pcm, byte[] buffer)
    {
        for (var i = from; i < to; i++)
        {
            Array.Clear(pcm);
            fill(i, pcm);
            var written = encoder.Encode(pcm, buffer);
            _frames[i] = buffer.AsSpan(0, written).ToArray();
            Volatile.Write(ref _encoded, i + 1); // publishes the frame
        }
    }
}
