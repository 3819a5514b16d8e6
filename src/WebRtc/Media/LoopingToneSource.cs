namespace Serverless.WebRtc.Media;

/// <summary>
/// A ready audio source: one second of a sine tone, encoded once and sent in a loop (a whole number of
/// cycles, so it is seamless). Give it to <see cref="Peer.AudioPeerOptions.Source"/> to send a test tone.
/// </summary>
public sealed class LoopingToneSource : IAudioSource
{
    private readonly byte[][] _frames;
    private int _next;

    /// <param name="codecs">The factory's codecs (<see cref="Peer.PeerFactory.Codecs"/>).</param>
    /// <param name="hz">Tone frequency.</param>
    public LoopingToneSource(OpusEncoderFactory codecs, double hz)
    {
        ArgumentNullException.ThrowIfNull(codecs);
        using var encoder = codecs.CreateEncoder();
        var tone = new ToneGenerator(hz);
        var pcm = new short[OpusCodec.FrameSamples];
        var buffer = new byte[OpusCodec.MaxPacketBytes];
        _frames = new byte[50][];
        for (var i = 0; i < _frames.Length; i++)
        {
            tone.Fill(pcm);
            _frames[i] = buffer.AsSpan(0, encoder.Encode(pcm, buffer)).ToArray();
        }
    }

    /// <inheritdoc />
    public bool TryReadFrame(Span<byte> destination, out int written)
    {
        var frame = _frames[_next];
        _next = (_next + 1) % _frames.Length;
        frame.CopyTo(destination);
        written = frame.Length;
        return true;
    }
}
