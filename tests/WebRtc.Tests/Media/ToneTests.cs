using Serverless.WebRtc.Media;

namespace Serverless.WebRtc.Tests.Media;

public sealed class ToneTests
{
    [Theory]
    [InlineData(440.0)]
    [InlineData(1000.0)]
    [InlineData(97.3)]
    public void Generated_tone_measures_its_own_frequency(double frequency)
    {
        var tone = new ToneGenerator(frequency);
        var pcm = new short[OpusCodec.SampleRate];
        tone.Fill(pcm.AsSpan(0, 1234));
        tone.Fill(pcm.AsSpan(1234)); // phase carries across calls

        Assert.Equal(frequency, ToneDetector.EstimateFrequency(pcm), 0.05);
    }

    [Fact]
    public void Goertzel_sees_the_tone_and_not_a_neighbour()
    {
        var pcm = new short[9600];
        new ToneGenerator(440, amplitude: 16384).Fill(pcm);

        var at440 = ToneDetector.GoertzelPower(pcm, 440);
        var at600 = ToneDetector.GoertzelPower(pcm, 600);

        Assert.Equal(0.0625, at440, 0.002); // (0.5)^2 / 4
        Assert.True(at600 < at440 / 1000, $"600 Hz power {at600} vs 440 Hz {at440}");
    }

    [Fact]
    public void Silence_and_noise_near_zero_yield_no_frequency()
    {
        var pcm = new short[960];
        Assert.Equal(0, ToneDetector.EstimateFrequency(pcm));
    }
}
