using System.Runtime.InteropServices;
using Serverless.WebRtc.Media;

namespace Serverless.WebRtc.Tests.Media;

public sealed class OpusCodecTests
{
    [Fact]
    public void Factory_uses_managed_Concentus_unless_told_otherwise()
    {
        var codecs = new OpusEncoderFactory();
        using var encoder = codecs.CreateEncoder();
        using var decoder = codecs.CreateDecoder();

        Assert.False(codecs.Options.AttemptToUseNativeLibrary);
        Assert.Equal(OpusImplementation.Managed, codecs.Implementation);
        Assert.Equal(OpusImplementation.Managed, encoder.Implementation);
        Assert.Equal(OpusImplementation.Managed, decoder.Implementation);
        Assert.Equal(5, codecs.Options.Complexity);
        Assert.Equal(32_000, codecs.Options.BitrateBitsPerSecond);
        Assert.True(codecs.Options.UseInbandFec);
    }

    [Fact]
    public void Silence_frame_is_a_small_opus_packet_that_decodes_to_silence()
    {
        var silence = MediaTestKit.Codecs.SilenceFrame;
        using var decoder = MediaTestKit.Codecs.CreateDecoder();
        var pcm = new short[OpusCodec.FrameSamples];

        Assert.True(silence.Length is >= 1 and <= 20, $"silence frame is {silence.Length} bytes");
        Assert.True(MemoryMarshal.TryGetArray(silence, out var first));
        Assert.True(MemoryMarshal.TryGetArray(MediaTestKit.Codecs.SilenceFrame, out var second));
        Assert.Same(first.Array, second.Array); // encoded once, cached
        Assert.Equal(OpusCodec.FrameSamples, decoder.Decode(silence.Span, pcm));
        Assert.All(pcm, s => Assert.InRange(s, (short)-8, (short)8));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(10)]
    public void Tone_survives_encode_and_decode(int complexity)
    {
        var codecs = new OpusEncoderFactory(new OpusCodecOptions { Complexity = complexity });
        using var encoder = codecs.CreateEncoder();
        using var decoder = codecs.CreateDecoder();
        var tone = new ToneGenerator(440);
        var frame = new short[OpusCodec.FrameSamples];
        var packet = new byte[OpusCodec.MaxPacketBytes];
        var decoded = new short[50 * OpusCodec.FrameSamples];
        for (var i = 0; i < 50; i++)
        {
            tone.Fill(frame);
            var length = encoder.Encode(frame, packet);
            Assert.InRange(length, 2, 200);
            Assert.Equal(OpusCodec.FrameSamples, decoder.Decode(packet.AsSpan(0, length), decoded.AsSpan(i * OpusCodec.FrameSamples)));
        }

        Assert.Equal(440, ToneDetector.EstimateFrequency(decoded.AsSpan(10 * OpusCodec.FrameSamples)), 5.0);
    }

    [Fact]
    public void Options_out_of_range_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new OpusEncoderFactory(new OpusCodecOptions { Complexity = 11 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new OpusEncoderFactory(new OpusCodecOptions { PacketLossPercent = 101 }));
    }

    [Fact]
    public void Encoder_refuses_a_frame_that_is_not_20_ms()
    {
        using var encoder = MediaTestKit.Codecs.CreateEncoder();
        Assert.Throws<ArgumentException>(() => encoder.Encode(new short[480], new byte[1500]));
    }
}
