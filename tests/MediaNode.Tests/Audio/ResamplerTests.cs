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

    [Theory]
    [InlineData(8_000, 440)]
    [InlineData(16_000, 440)]
    [InlineData(16_000, 3_000)]
    [InlineData(24_000, 1_000)]
    [InlineData(24_000, 7_000)]
    public void DownsamplingFrom48k_KeepsTheTonesFrequencyAndLevel(int rate, int hz)
    {
        var input = TestWav.Tone(hz, 48_000, TimeSpan.FromSeconds(1));

        var output = Resampler.Resample(input, 48_000, rate);

        Assert.Equal(rate, output.Length);
        var middle = output.AsSpan(rate / 10, rate * 8 / 10);
        Assert.InRange(ToneDetector.EstimateFrequency(middle, rate), hz - 0.5, hz + 0.5);
        Assert.InRange(ToneDetector.GoertzelPower(middle, hz, rate) / ToneDetector.GoertzelPower(input.AsSpan(4_800, 38_400), hz), 0.95, 1.05);
    }

    [Theory]
    [InlineData(8_000, 6_000, 2_000)] // 6 kHz folds to 2 kHz at 8 kHz
    [InlineData(16_000, 12_000, 4_000)]
    [InlineData(24_000, 15_000, 9_000)]
    public void Downsampling_BoundsAliasingOfWhatAboveTheNewNyquist(int rate, int hz, int alias)
    {
        var input = TestWav.Tone(hz, 48_000, TimeSpan.FromSeconds(0.5));

        var output = Resampler.Resample(input, 48_000, rate);

        var middle = output.AsSpan(rate / 20, rate * 4 / 10);
        var reference = TestWav.Tone(alias, rate, TimeSpan.FromSeconds(0.5)).AsSpan(rate / 20, rate * 4 / 10);
        var aliased = ToneDetector.GoertzelPower(middle, alias, rate) / ToneDetector.GoertzelPower(reference, alias, rate);
        Assert.True(aliased < 1e-6, $"alias at {alias} Hz is {10 * Math.Log10(aliased):F1} dB"); // below -60 dB
    }

    private const int MinObjectBytes = 24;

    [Theory]
    [InlineData(8_000)]
    [InlineData(16_000)]
    [InlineData(24_000)]
    public void Streaming_FrameByFrame_UpAndDownAgain_KeepsAToneWithoutAllocating(int rate)
    {
        const int Frames = 500;
        const int WarmUp = 5;
        using var down = new StreamingResampler(48_000, rate);
        using var up = new StreamingResampler(rate, 48_000);
        var tone = new ToneGenerator(440);
        var frame = new short[OpusCodec.FrameSamples];
        var low = new short[down.MaxOutputSamples(OpusCodec.FrameSamples)];
        var back = new short[Frames * (OpusCodec.FrameSamples + 4)];
        var written = 0;
        long lowSamples = 0;
        long allocated = 0;
        for (var i = 0; i < Frames; i++)
        {
            tone.Fill(frame);
            var before = GC.GetAllocatedBytesForCurrentThread();
            var n = down.Process(frame, low);
            written += up.Process(low.AsSpan(0, n), back.AsSpan(written));
            if (i >= WarmUp)
            {
                allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            }

            lowSamples += n;
        }

        // Steady state allocates nothing per call: one object per frame (24 bytes at least) would reach this bound.
        // The bound, not zero, because a loaded machine can tier up or OSR-compile the code mid-loop, and the runtime
        // then allocates a few KB once on this thread (7,320 bytes seen at load average 25).
        Assert.True(allocated < MinObjectBytes * (Frames - WarmUp), $"{allocated} bytes allocated over {Frames - WarmUp} frames");
        Assert.InRange(lowSamples, (rate / 50 * Frames) - 2, rate / 50 * Frames); // 20 ms in, 20 ms out (minus filter delay)
        Assert.InRange(written, (OpusCodec.FrameSamples * Frames) - 200, OpusCodec.FrameSamples * Frames);
        var settled = back.AsSpan(10 * OpusCodec.FrameSamples, 80 * OpusCodec.FrameSamples);
        Assert.InRange(ToneDetector.EstimateFrequency(settled), 439.5, 440.5);
        var reference = new short[settled.Length];
        new ToneGenerator(440).Fill(reference);
        Assert.InRange(ToneDetector.GoertzelPower(settled, 440) / ToneDetector.GoertzelPower(reference, 440), 0.9, 1.1);
    }

    [Fact]
    public void Streaming_RefusesAnOutputTooSmall()
    {
        using var up = new StreamingResampler(16_000, 48_000);
        Assert.Throws<ArgumentException>(() => up.Process(new short[320], new short[100]));
    }
}
