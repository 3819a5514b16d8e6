using System.Runtime.InteropServices;
using Concentus;

namespace Serverless.WebRtc.Media;

/// <summary>
/// Decodes 20 ms mono frames, with FEC and PLC for lost ones, with libopus or Concentus (see
/// <see cref="Implementation"/>). A packet that is not valid Opus throws <see cref="InvalidDataException"/> with
/// either. Not thread-safe: one per stream.
/// </summary>
public sealed class OpusFrameDecoder : IDisposable
{
    private readonly IOpusDecoder? _managed;
    private readonly OpusNativeDecoderHandle? _native;

    internal OpusFrameDecoder(IOpusDecoder decoder)
    {
        _managed = decoder;
        Implementation = OpusImplementation.Managed;
    }

    internal OpusFrameDecoder(OpusNativeDecoderHandle decoder)
    {
        _native = decoder;
        Implementation = OpusImplementation.Native;
    }

    public OpusImplementation Implementation { get; }

    /// <summary>Decodes one packet into <paramref name="pcm"/> (at least 960 samples); returns samples written.</summary>
    public int Decode(ReadOnlySpan<byte> packet, Span<short> pcm) => Run(packet, CheckFrame(pcm), fec: false);

    /// <summary>
    /// Rebuilds the frame BEFORE <paramref name="nextPacket"/> from its in-band FEC (LBRR) data (RFC 6716 §2.1.7);
    /// Opus falls back to concealment when the packet carries none.
    /// </summary>
    public int DecodeFec(ReadOnlySpan<byte> nextPacket, Span<short> pcm) => Run(nextPacket, CheckFrame(pcm), fec: true);

    /// <summary>Packet-loss concealment: extrapolates one frame from the decoder state.</summary>
    public int Conceal(Span<short> pcm) => Run(ReadOnlySpan<byte>.Empty, CheckFrame(pcm), fec: false);

    public void Dispose()
    {
        _native?.Dispose();
        (_managed as IDisposable)?.Dispose();
    }

    private int Run(ReadOnlySpan<byte> packet, Span<short> pcm, bool fec)
    {
        if (_native is null)
        {
            try
            {
                return _managed!.Decode(packet, pcm, OpusCodec.FrameSamples, fec);
            }
            catch (OpusException e)
            {
                throw new InvalidDataException("Not a valid Opus packet.", e);
            }
        }

        // An empty packet is passed as NULL, which libopus treats as lost (concealment).
        var samples = OpusNative.opus_decode(
            _native, ref MemoryMarshal.GetReference(packet), packet.Length, ref MemoryMarshal.GetReference(pcm), OpusCodec.FrameSamples, fec ? 1 : 0);
        return samples >= 0 ? samples : throw new InvalidDataException($"Not a valid Opus packet (libopus error {samples}).");
    }

    private static Span<short> CheckFrame(Span<short> pcm) =>
        pcm.Length >= OpusCodec.FrameSamples
            ? pcm[..OpusCodec.FrameSamples]
            : throw new ArgumentException($"A frame needs {OpusCodec.FrameSamples} samples.", nameof(pcm));
}
