using Serverless.WebRtc.Media;

namespace Serverless.WebRtc.Tests.Media;

/// <summary>RFC 6716 §3.1/§3.2 framing as used to find the SILK LBRR flag (§4.2.4).</summary>
public sealed class OpusPacketRfc6716VectorTests
{
    // TOC: config (5 bits) | s | c (2 bits).
    private const byte HybridFb20Ms = 15 << 3;
    private const byte SilkWb40Ms = 10 << 3;
    private const byte CeltFb20Ms = 31 << 3;

    [Theory]
    [InlineData(0b1100_0000, true)]  // VAD 1, LBRR 1
    [InlineData(0b0100_0000, true)]  // VAD 0, LBRR 1
    [InlineData(0b1000_0000, false)] // VAD 1, LBRR 0
    public void Section_4_2_4_code_0_one_20ms_frame_LBRR_is_the_second_bit(byte firstFrameByte, bool expected)
    {
        Assert.Equal(expected, OpusPacket.HasInbandFec([HybridFb20Ms, firstFrameByte, 0x11]));
    }

    [Fact]
    public void Section_4_2_4_a_40ms_SILK_frame_has_two_VAD_flags_before_LBRR()
    {
        Assert.True(OpusPacket.HasInbandFec([SilkWb40Ms, 0b0010_0000]));
        Assert.False(OpusPacket.HasInbandFec([SilkWb40Ms, 0b1100_0000]));
    }

    [Fact]
    public void Section_4_2_4_stereo_side_channel_flag_counts_too()
    {
        // Mid: VAD, LBRR=0; side: VAD, LBRR=1 -> bits 7..4 = 1 0 1 1.
        Assert.True(OpusPacket.HasInbandFec([HybridFb20Ms | 0x04, 0b1011_0000]));
    }

    [Fact]
    public void Section_3_1_CELT_only_packets_never_carry_LBRR()
    {
        Assert.False(OpusPacket.HasInbandFec([CeltFb20Ms, 0xFF, 0xFF]));
    }

    [Fact]
    public void Section_3_2_3_code_2_skips_the_first_frame_length()
    {
        Assert.True(OpusPacket.HasInbandFec([HybridFb20Ms | 2, 1, 0b0100_0000, 0x00]));
        Assert.True(OpusPacket.HasInbandFec([HybridFb20Ms | 2, 252, 1, 0b0100_0000])); // two-byte length
        Assert.False(OpusPacket.HasInbandFec([HybridFb20Ms | 2, 252])); // truncated
    }

    [Fact]
    public void Section_3_2_5_code_3_skips_padding_and_VBR_lengths()
    {
        // Count byte: v=1, p=1, M=2; padding 255 (254 + continue) then 3; one frame length (5); frame data.
        Assert.True(OpusPacket.HasInbandFec([HybridFb20Ms | 3, 0b1100_0010, 255, 3, 5, 0b0100_0000]));
        Assert.False(OpusPacket.HasInbandFec([HybridFb20Ms | 3, 0b0000_0000])); // M = 0 frames
        Assert.False(OpusPacket.HasInbandFec([HybridFb20Ms | 3]));
    }

    [Fact]
    public void Encoder_output_agrees_first_frame_has_no_LBRR_then_active_speech_like_frames_do()
    {
        var packets = MediaTestKit.EncodeTone(440, 5);
        Assert.False(OpusPacket.HasInbandFec(packets[0])); // nothing before the first frame to protect
        Assert.True(OpusPacket.HasInbandFec(packets[1]));
    }

    [Theory]
    [InlineData(1, 960)]
    [InlineData(3, 2880)]
    [InlineData(12, 480)]
    [InlineData(15, 960)]
    [InlineData(16, 120)]
    [InlineData(31, 960)]
    public void Section_3_1_samples_per_frame_from_the_configuration(int config, int samples)
    {
        Assert.Equal(samples, OpusPacket.SamplesPerFrame(config));
    }
}
