using CsCheck;
using Serverless.MediaNode.Audio;
using Serverless.WebRtc.Media;

namespace Serverless.MediaNode.Tests.Audio;

public sealed class WavAudioTests
{
    [Theory]
    [InlineData(8_000, 1)]
    [InlineData(16_000, 2)]
    [InlineData(44_100, 1)]
    [InlineData(44_100, 2)]
    [InlineData(48_000, 1)]
    public void PcmVectors_ParseToTheirRateChannelsAndSamples(int rate, int channels)
    {
        var samples = TestWav.Tone(440, rate, TimeSpan.FromMilliseconds(250), channels);

        Assert.True(WavAudio.TryParse(TestWav.Build(samples, rate, channels), out var wav, out var error));

        Assert.Equal(WavError.None, error);
        Assert.Equal(rate, wav.SampleRate);
        Assert.Equal(channels, wav.Channels);
        Assert.Equal(samples, wav.Samples);
        Assert.Equal(rate / 4, wav.FrameCount);
        Assert.InRange(ToneDetector.EstimateFrequency(wav.ToMono(), rate), 439, 441);
    }

    [Fact]
    public void StereoDownmix_AveragesTheChannels()
    {
        short[] samples = [1000, 3000, -2000, -4000];
        Assert.True(WavAudio.TryParse(TestWav.Build(samples, 16_000, channels: 2), out var wav, out _));
        Assert.Equal(new short[] { 2000, -3000 }, wav.ToMono());
    }

    [Fact]
    public void ChunksBeforeFmt_AreSkippedWithTheirPadByte()
    {
        Assert.True(WavAudio.TryParse(TestWav.Build([1, 2, 3], 8_000, listChunkFirst: true), out var wav, out _));
        Assert.Equal(new short[] { 1, 2, 3 }, wav.Samples);
    }

    public static TheoryData<string, byte[], WavError> Malformed()
    {
        var good = TestWav.Build([1, 2, 3, 4], 8_000);
        var notRiff = (byte[])good.Clone();
        notRiff[0] = (byte)'X';
        var notWave = (byte[])good.Clone();
        notWave[8] = (byte)'A';
        var noData = good[..36]; // header and fmt only
        var noFmt = (byte[])good.Clone();
        noFmt[12] = (byte)'x'; // "xmt " is skipped as unknown, then data comes first
        return new TheoryData<string, byte[], WavError>
        {
            { "empty", [], WavError.Truncated },
            { "header only", good[..11], WavError.Truncated },
            { "not RIFF", notRiff, WavError.NotRiffWave },
            { "not WAVE", notWave, WavError.NotRiffWave },
            { "no data chunk", noData, WavError.MissingData },
            { "data before fmt", noFmt, WavError.MissingFormat },
            { "float", TestWav.Build([1, 2], 8_000, format: 3), WavError.NotPcm },
            { "A-law", TestWav.Build([1, 2], 8_000, format: 6), WavError.NotPcm },
            { "8-bit", TestWav.Build([1, 2], 8_000, bits: 8, blockAlign: 1), WavError.UnsupportedBitDepth },
            { "24-bit", TestWav.Build([1, 2, 3], 8_000, bits: 24, blockAlign: 3), WavError.UnsupportedBitDepth },
            { "3 channels", TestWav.Build([1, 2, 3], 8_000, channels: 3), WavError.UnsupportedChannels },
            { "96 kHz", TestWav.Build([1, 2], 96_000), WavError.UnsupportedSampleRate },
            { "4 kHz", TestWav.Build([1, 2], 4_000), WavError.UnsupportedSampleRate },
            { "block align lies", TestWav.Build([1, 2], 8_000, blockAlign: 4), WavError.InconsistentFormat },
            { "byte rate lies", TestWav.Build([1, 2], 8_000, byteRate: 1), WavError.InconsistentFormat },
            { "data size past the end", TestWav.Build([1, 2], 8_000, declaredDataSize: 1_000), WavError.Truncated },
            { "data size 2^32-1", TestWav.Build([1, 2], 8_000, declaredDataSize: -1), WavError.Truncated },
            { "no data bytes", TestWav.Build([], 8_000, declaredDataSize: 0), WavError.NoSamples },
        };
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void MalformedHeaders_AreTypedErrors(string name, byte[] file, WavError expected)
    {
        Assert.False(WavAudio.TryParse(file, out _, out var error), name);
        Assert.Equal(expected, error);
    }

    [Fact]
    public void ArbitraryBytes_NeverThrow()
    {
        Gen.Byte.Array[0, 200].Sample(bytes =>
        {
            var riff = TestWav.Build([1, 2, 3, 4], 8_000);
            bytes.AsSpan(0, Math.Min(bytes.Length, riff.Length - 12)).CopyTo(riff.AsSpan(12)); // keep RIFF/WAVE, garble the rest
            _ = WavAudio.TryParse(bytes, out _, out _);
            _ = WavAudio.TryParse(riff, out _, out _);
        });
    }
}
