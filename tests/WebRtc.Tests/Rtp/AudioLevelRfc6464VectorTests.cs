using CsCheck;
using Serverless.WebRtc.Rtp;

namespace Serverless.WebRtc.Tests.Rtp;

/// <summary>RFC 6464 §3 audio level element: V flag in the top bit, 7-bit level in -dBov.</summary>
public sealed class AudioLevelRfc6464VectorTests
{
    [Theory]
    [InlineData(0x9F, true, 31)]
    [InlineData(0x7F, false, 127)]
    [InlineData(0x80, true, 0)]
    public void Rfc6464_3_VoiceFlagAndLevel(byte wire, bool voice, byte level)
    {
        Assert.True(AudioLevel.TryParse([wire], out var parsed));
        Assert.Equal(voice, parsed.VoiceActivity);
        Assert.Equal(level, parsed.Level);

        var buffer = new byte[1];
        Assert.True(parsed.TryWrite(buffer, out _));
        Assert.Equal(wire, buffer[0]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void Rfc6464_3_ElementDataIsExactlyOneByte(int length)
    {
        Assert.False(AudioLevel.TryParse(new byte[length], out _));
    }

    [Fact]
    public void Rfc6464_3_LevelAbove127IsRejectedWhenBuilding()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new AudioLevel { Level = 128 });
    }

    [Fact]
    public void Rfc6464_3_ParsedFromLibwebrtcOpusPacket()
    {
        Assert.True(RtpHeader.TryParse(RtpTestVectors.LibwebrtcOpusPacket(), out var header));
        Assert.True(RtpExtensionReader.TryFind(header, RtpTestVectors.AudioLevelId, out var data));
        Assert.True(AudioLevel.TryParse(data, out var level));

        Assert.Equal(new AudioLevel { VoiceActivity = true, Level = 31 }, level);
    }

    [Fact]
    public void AudioLevel_ParseOfWriteIsIdentity()
    {
        Gen.Select(Gen.Bool, Gen.Byte[0, 127]).Sample((voice, level) =>
        {
            var original = new AudioLevel { VoiceActivity = voice, Level = level };
            var buffer = new byte[AudioLevel.Length];
            Assert.True(original.TryWrite(buffer, out _));
            Assert.True(AudioLevel.TryParse(buffer, out var parsed));
            Assert.Equal(original, parsed);
        });
    }
}
