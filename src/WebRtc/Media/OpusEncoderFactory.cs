using Concentus;
using Concentus.Enums;

namespace Serverless.WebRtc.Media;

/// <summary>
/// Creates Opus encoders and decoders through Concentus' <see cref="OpusCodecFactory"/> with the native/managed
/// choice set explicitly from <see cref="OpusCodecOptions"/>, and holds the cached 20 ms silence frame that
/// idle streams send (WhatsApp drops a call that sends nothing for 20 s). Thread-safe; share one per process.
/// </summary>
public sealed class OpusEncoderFactory
{
    // Concentus keeps the native/managed switch in a process-wide static: set and create under one lock so two
    // factories with different options cannot interleave.
    private static readonly Lock FactoryGate = new();

    private const int SilenceWarmUpFrames = 5;

    private readonly byte[] _silenceFrame;

    public OpusEncoderFactory(OpusCodecOptions? options = null)
    {
        Options = options ?? new OpusCodecOptions();
        Options.Validate();

        using var encoder = CreateEncoder();
        Implementation = encoder.Implementation;

        // Silence needs neither FEC nor bitrate: a frame of it should cost a few bytes on the wire.
        encoder.ConfigureForSilence();
        Span<short> zeros = stackalloc short[OpusCodec.FrameSamples];
        zeros.Clear();
        var buffer = new byte[OpusCodec.MaxPacketBytes];

        // The first frames of a fresh encoder carry start-up state; a few frames in, silence is a
        // few bytes. Any Opus packet decodes on its own, so the settled one is what we keep.
        var length = 0;
        for (var i = 0; i < SilenceWarmUpFrames; i++)
        {
            length = encoder.Encode(zeros, buffer);
        }

        _silenceFrame = buffer.AsSpan(0, length).ToArray();
    }

    public OpusCodecOptions Options { get; }

    /// <summary>The implementation Concentus returned for these options.</summary>
    public OpusImplementation Implementation { get; }

    /// <summary>One encoded 20 ms frame of digital silence (encoded once; a few bytes).</summary>
    public ReadOnlyMemory<byte> SilenceFrame => _silenceFrame;

    public OpusFrameEncoder CreateEncoder()
    {
        IOpusEncoder encoder;
        lock (FactoryGate)
        {
            OpusCodecFactory.AttemptToUseNativeLibrary = Options.AttemptToUseNativeLibrary;
            encoder = OpusCodecFactory.CreateEncoder(OpusCodec.SampleRate, OpusCodec.Channels, OpusApplication.OPUS_APPLICATION_VOIP);
        }

        encoder.Bitrate = Options.BitrateBitsPerSecond;
        encoder.Complexity = Options.Complexity;
        encoder.UseVBR = true;
        encoder.SignalType = OpusSignal.OPUS_SIGNAL_VOICE;
        encoder.UseInbandFEC = Options.UseInbandFec;
        encoder.PacketLossPercent = Options.PacketLossPercent;
        return new OpusFrameEncoder(encoder, ImplementationOf(encoder));
    }

    public OpusFrameDecoder CreateDecoder()
    {
        IOpusDecoder decoder;
        lock (FactoryGate)
        {
            OpusCodecFactory.AttemptToUseNativeLibrary = Options.AttemptToUseNativeLibrary;
            decoder = OpusCodecFactory.CreateDecoder(OpusCodec.SampleRate, OpusCodec.Channels);
        }

        return new OpusFrameDecoder(decoder, ImplementationOf(decoder));
    }

    private static OpusImplementation ImplementationOf(object codec) =>
        codec.GetType().Namespace == "Concentus.Native" ? OpusImplementation.Native : OpusImplementation.Managed;
}
