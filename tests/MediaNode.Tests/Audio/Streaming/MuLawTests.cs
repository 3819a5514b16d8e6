using Serverless.MediaNode.Audio.Streaming;

namespace Serverless.MediaNode.Tests.Audio.Streaming;

public sealed class MuLawTests
{
    [Theory]
    [InlineData(0, 0xFF)]
    [InlineData(-1, 0x7F)]
    [InlineData(32767, 0x80)]
    [InlineData(-32768, 0x00)]
    [InlineData(1000, 0xCE)]
    [InlineData(-1000, 0x4E)]
    public void Encode_matches_G711_reference_values(short sample, byte code) => Assert.Equal(code, MuLaw.Encode(sample));

    [Theory]
    [InlineData(0xFF, 0)]
    [InlineData(0x80, 32124)]
    [InlineData(0x00, -32124)]
    [InlineData(0xCE, 988)]
    public void Decode_matches_G711_reference_values(byte code, short sample) => Assert.Equal(sample, MuLaw.Decode(code));

    [Fact]
    public void Every_code_survives_decode_then_encode()
    {
        for (var code = 0; code < 256; code++)
        {
            var expected = code == 0x7F ? 0xFF : code; // -0 and +0 decode to the same sample
            Assert.Equal(expected, MuLaw.Encode(MuLaw.Decode((byte)code)));
        }
    }

    [Fact]
    public void Round_trip_error_stays_within_the_segment_step()
    {
        for (var sample = -32000; sample <= 32000; sample += 7)
        {
            var back = MuLaw.Decode(MuLaw.Encode((short)sample));
            // Quantisation step doubles per segment: at most 1/16 of the magnitude (plus the bias at zero).
            Assert.InRange(Math.Abs(back - sample), 0, (Math.Abs(sample) / 16) + 8);
        }
    }
}
