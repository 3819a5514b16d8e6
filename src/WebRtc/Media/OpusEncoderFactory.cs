using Concentus;
using Concentus.Enums;

namespace Serverless.WebRtc.Media;

/// <summary>
/// Creates Opus encoders and decoders: libopus when <see cref="OpusCodecOptions.AttemptToUseNativeLibrary"/> is set
/// and a libopus loads, managed Concentus otherwise (see <see cref="Implementation"/>). Holds the cached 20 ms
/// silence frame that idle streams send (WhatsApp drops a call that sends nothing for 20 s). Thread-safe; share
/// one per process.
/// </summary>
public sealed class OpusEncoderFactory
{
    // Concentus keeps its own native switch in a process-wide static. We always turn it off (our binding is the
    // native path, OpusNative), and set and create under one lock so nothing else can interleave.
    private static readonly Lock FactoryGate = new();

    private const int SilenceWarmUpFrames = 5;

    private readonly byte[] _silenceFrame;

    public OpusEncoderFactory(OpusCodecOptions? options = null)
    {
        Options = options ?? new OpusCodecOptions();
        Options.Validate();
        Implementation = Options.AttemptToUseNativeLibrary && OpusNative.IsAvailable ? OpusImplementation.Native : OpusImplementation.Managed;
        ImplementationVersion = Implementation == OpusImplementation.Native ? OpusNative.Version! : ManagedVersion();

        using var encoder = CreateEncoder();

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

    /// <summary>The implementation every encoder and decoder of this factory uses.</summary>
    public OpusImplementation Implementation { get; }

    /// <summary>Version of that implementation, e.g. <c>libopus 1.3.1</c> or <c>Concentus 2.1.2</c> (for logs and health).</summary>
    public string ImplementationVersion { get; }

    /// <summary>One encoded 20 ms frame of digital silence (encoded once; a few bytes).</summary>
    public ReadOnlyMemory<byte> SilenceFrame => _silenceFrame;

    /// <summary>An encoder for live audio, at <see cref="OpusCodecOptions.Complexity"/>.</summary>
    public OpusFrameEncoder CreateEncoder() => CreateEncoder(Options.Complexity);

    /// <summary>
    /// An encoder at <paramref name="complexity"/> (0-10): pick per use, e.g.
    /// <see cref="OpusCodecOptions.OfflineComplexity"/> for audio encoded once and re-sent, lower for many live
    /// streams on a busy node.
    /// </summary>
    public OpusFrameEncoder CreateEncoder(int complexity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(complexity);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(complexity, 10);
        OpusFrameEncoder encoder;
        if (Implementation == OpusImplementation.Native)
        {
            var handle = OpusNative.opus_encoder_create(OpusCodec.SampleRate, OpusCodec.Channels, OpusNative.ApplicationVoip, out var error);
            encoder = new OpusFrameEncoder(Created(handle, error, "encoder"));
        }
        else
        {
            lock (FactoryGate)
            {
                OpusCodecFactory.AttemptToUseNativeLibrary = false;
                encoder = new OpusFrameEncoder(OpusCodecFactory.CreateEncoder(OpusCodec.SampleRate, OpusCodec.Channels, OpusApplication.OPUS_APPLICATION_VOIP));
            }
        }

        encoder.Configure(Options, complexity);
        return encoder;
    }

    /// <summary>
    /// An encoder at <paramref name="complexity"/> for audio that comes from a source sampled at
    /// <paramref name="sourceSampleRate"/> (e.g. an 8 kHz agent upsampled to 48 kHz): it codes no wider a band than
    /// that source holds, which costs fewer bits and less CPU for the same sound.
    /// </summary>
    public OpusFrameEncoder CreateEncoder(int complexity, int sourceSampleRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sourceSampleRate);
        var encoder = CreateEncoder(complexity);
        encoder.LimitBandwidth(sourceSampleRate);
        return encoder;
    }

    public OpusFrameDecoder CreateDecoder()
    {
        if (Implementation == OpusImplementation.Native)
        {
            var handle = OpusNative.opus_decoder_create(OpusCodec.SampleRate, OpusCodec.Channels, out var error);
            return new OpusFrameDecoder(Created(handle, error, "decoder"));
        }

        lock (FactoryGate)
        {
            OpusCodecFactory.AttemptToUseNativeLibrary = false;
            return new OpusFrameDecoder(OpusCodecFactory.CreateDecoder(OpusCodec.SampleRate, OpusCodec.Channels));
        }
    }

    private static T Created<T>(T handle, int error, string what)
        where T : System.Runtime.InteropServices.SafeHandle
    {
        if (error == 0 && !handle.IsInvalid)
        {
            return handle;
        }

        handle.Dispose();
        throw new InvalidOperationException($"libopus could not create an {what} (error {error}).");
    }

    private static string ManagedVersion()
    {
        var version = typeof(OpusCodecFactory).Assembly.GetName().Version;
        return $"Concentus {version?.ToString(3)}";
    }
}
