using Concentus;

namespace Serverless.WebRtc.Media;

/// <summary>Encodes 20 ms mono frames. Not thread-safe: one per stream.</summary>
public sealed class OpusFrameEncoder : IDisposable
{
    private readonly IOpusEncoder _encoder;

    internal OpusFrameEncoder(IOpusEncoder encoder, OpusImplementation implementation)
    {
        _encoder = encoder;
        Implementation = implementation;
    }

    public OpusImplementation Implementation { get; }

    /// <summary>Encodes exactly <see cref="OpusCodec.FrameSamples"/> samples; returns the packet length.</summary>
    public int Encode(ReadOnlySpan<short> frame, Span<byte> destination)
    {
        if (frame.Length != OpusCodec.FrameSamples)
        {
            throw new ArgumentException($"A frame is {OpusCodec.FrameSamples} samples.", nameof(frame));
        }

        return _encoder.Encode(frame, OpusCodec.FrameSamples, destination, destination.Length);
    }

    internal void ConfigureForSilence()
    {
        _encoder.UseInbandFEC = false;
        _encoder.PacketLossPercent = 0;
        _encoder.Bitrate = 6_000;
    }

    public void Dispose() => (_encoder as IDisposable)?.Dispose();
}
