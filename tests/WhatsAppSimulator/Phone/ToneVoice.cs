using Serverless.WebRtc.Media;

namespace Serverless.Testing.WhatsAppSimulator.Phone;

/// <summary>
/// The phone's microphone: one second of a tone encoded once and looped (whole cycles for whole Hz, so the loop
/// is seamless), or nothing, in which case the send stream sends its Opus silence frame.
/// </summary>
internal sealed class ToneVoice(OpusEncoderFactory codecs) : IAudioSource
{
    private const int FramesPerSecond = 50;
    private byte[][]? _frames;
    private int _next;

    /// <summary>The tone being sent, or null when silent.</summary>
    public double? ToneHz { get; private set; }

    public void Speak(double hz)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hz, 20);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(hz, 8000);
        using var encoder = codecs.CreateEncoder();
        var tone = new ToneGenerator(hz);
        var pcm = new short[OpusCodec.FrameSamples];
        var buffer = new byte[OpusCodec.MaxPacketBytes];
        var frames = new byte[FramesPerSecond][];
        for (var i = 0; i < frames.Length; i++)
        {
            tone.Fill(pcm);
            frames[i] = buffer.AsSpan(0, encoder.Encode(pcm, buffer)).ToArray();
        }

        ToneHz = hz;
        Volatile.Write(ref _frames, frames);
    }

    public void GoSilent()
    {
        ToneHz = null;
        Volatile.Write(ref _frames, null);
    }

    public bool TryReadFrame(Span<byte> destination, out int written)
    {
        var frames = Volatile.Read(ref _frames);
        if (frames is null)
        {
            written = 0;
            return false;
        }

        // Called by the pacer only, one tick at a time.
        var frame = frames[_next % frames.Length];
        _next = (_next + 1) % FramesPerSecond;
        frame.CopyTo(destination);
        written = frame.Length;
        return true;
    }
}
