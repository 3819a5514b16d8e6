using Concentus;

namespace Serverless.WebRtc.Media;

/// <summary>Decodes 20 ms mono frames, with FEC and PLC for lost ones. Not thread-safe: one per stream.</summary>
public sealed class OpusFrameDecoder : IDisposable
{
    private readonly IOpusDecoder _decoder;

    internal OpusFrameDecoder(IOpusDecoder decoder, OpusImplementation implementation)
    {
        _decoder = decoder;
        Implementation = implementation;
    }

    public OpusImplementation Implementation { get; }

    /// <summary>Decodes one packet into <paramref name="pcm"/> (at least 960 samples); returns samples written.</summary>
    public int Decode(ReadOnlySpan<byte> packet, Span<short> pcm) =>
        _decoder.Decode(packet, CheckFrame(pcm), OpusCodec.FrameSamples, false);

    /// <summary>
    /// Rebuilds the frame BEFORE <paramref name="nextPacket"/> from its in-band FEC (LBRR) data (RFC 6716 §2.1.7);
    /// Opus falls back to concealment when the packet carries none.
    /// </summary>
    public int DecodeFec(ReadOnlySpan<byte> nextPacket, Span<short> pcm) =>
        _decoder.Decode(nextPacket, CheckFrame(pcm), OpusCodec.FrameSamples, true);

    /// <summary>Packet-loss concealment: extrapolates one frame from the decoder state.</summary>
    public int Conceal(Span<short> pcm) =>
        _decoder.Decode(ReadOnlySpan<byte>.Empty, CheckFrame(pcm), OpusCodec.FrameSamples, false);

    public void Dispose() => (_decoder as IDisposable)?.Dispose();

    private static Span<short> CheckFrame(Span<short> pcm) =>
        pcm.Length >= OpusCodec.FrameSamples
            ? pcm[..OpusCodec.FrameSamples]
            : throw new ArgumentException($"A frame needs {OpusCodec.FrameSamples} samples.", nameof(pcm));
}
