using Serverless.MediaNode.Audio;
using Serverless.WebRtc.Media;

namespace Serverless.MediaNode.Tests.Audio;

public sealed class ResamplerTests
{
    [Theory]
    [InlineData(8_000, 440)]
    [InlineData(16_000, 440)]
    [InlineData(22_050, 1000)]
    [InlineData(44_100, 440)]
    [InlineData(44_100, 3000)]
    [InlineData(11_025, 1000)]
    public void UpsamplingTo48k_KeepsTheTonesFrequencyAndLevel(int rate, int hz)
    {
        var input = TestWav.Tone(hz, rate, TimeSpan.FromSeconds(1));

        var output = Resampler.Resample(input, rate, OpusCodec.SampleRate);

        Assert.Equal(OpusCodec.SampleRate, output.Length);
        var middle = output.AsSpan(4_800, 38_400); // away from the zero-padded edges
        Assert.InRange(ToneDetector.EstimateFrequency(middle), hz - 0.5, hz + 0.5);
        Assert.InRange(ToneDetector.GoertzelPower(middle, hz) / ToneDetector.GoertzelPower(input.AsSpan(rate / 10, rate * 8 / 10), hz, rate), 0.95, 1.05);
    }

    [Fact]
    public void Downsampling_RemovesWhatTheOutputCannotHold()
    {
        // 20 kHz at 48 kHz would alias to 4 kHz at 16 kHz; the anti-alias filter must remove it.
        var input = TestWav.Tone(20_000, 48_000, TimeSpan.FromSeconds(0.5));
        var output = Resampler.Resample(input, 48_000, 16_000);
        Assert.True(ToneDetector.GoertzelPower(output.AsSpan(1_000, 6_000), 4_000, 16_000) < 1e-5);
    }

    [Fact]
    public void SameRate_IsACopy()
    {
        short[] input = [1, -2, 3];
        var output = Resampler.Resample(input, 48_000, 48_000);
        Assert.Equal(input, output);
    }
}
