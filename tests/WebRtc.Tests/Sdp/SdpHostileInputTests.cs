using System.Text;
using Serverless.WebRtc.Sdp;

namespace Serverless.WebRtc.Tests.Sdp;

/// <summary>Untrusted SDP (from a webhook body) fails with a typed error, never another exception.</summary>
public class SdpHostileInputTests
{
    private const string Minimal = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";

    private static SdpParseError Fails(string? text)
    {
        Assert.False(SdpParser.TryParse(text, out _, out var error));
        return error;
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   \r\n\n\t")]
    public void EmptyInput(string? text) => Assert.Equal(SdpParseErrorKind.Empty, Fails(text).Kind);

    [Fact]
    public void InputOverMaxLength() =>
        Assert.Equal(SdpParseErrorKind.TooLong, Fails(Minimal + new string('a', SdpLimits.MaxLength)).Kind);

    [Fact]
    public void HundredThousandLines()
    {
        var text = new StringBuilder(Minimal);
        for (var i = 0; i < 100_000; i++)
        {
            text.Append("a=x\n");
        }

        Assert.Equal(SdpParseErrorKind.TooLong, Fails(text.ToString()).Kind);
    }

    [Fact]
    public void MoreLinesThanTheLimitWithinTheLength()
    {
        var text = Minimal + string.Concat(Enumerable.Repeat("a=x\n", SdpLimits.MaxLines));

        var error = Fails(text);

        Assert.Equal((SdpParseErrorKind.TooManyLines, SdpLimits.MaxLines + 1), (error.Kind, error.LineNumber));
    }

    [Fact]
    public void HugeLine()
    {
        var error = Fails(Minimal + "a=x:" + new string('y', SdpLimits.MaxLineLength) + "\r\n");

        Assert.Equal((SdpParseErrorKind.LineTooLong, 5), (error.Kind, error.LineNumber));
    }

    [Fact]
    public void TooManyMediaSections()
    {
        var text = Minimal + string.Concat(Enumerable.Repeat("m=audio 9 RTP/AVP 0\r\n", SdpLimits.MaxMediaSections + 1));

        var error = Fails(text);

        Assert.Equal((SdpParseErrorKind.TooManyMediaSections, 5 + SdpLimits.MaxMediaSections), (error.Kind, error.LineNumber));
    }

    [Fact]
    public void MaxMediaSectionsIsStillAccepted()
    {
        var text = Minimal + string.Concat(Enumerable.Repeat("m=audio 9 RTP/AVP 0\r\n", SdpLimits.MaxMediaSections));

        Assert.True(SdpParser.TryParse(text, out var sdp, out _));
        Assert.Equal(SdpLimits.MaxMediaSections, sdp.Media.Count);
    }

    [Theory]
    [InlineData("v=0\0\r\n")]
    [InlineData("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=\0evil\r\nt=0 0\r\n")]
    [InlineData("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=ice-ufrag:ab\rcd\r\n")]
    public void Rfc8866_Section9_NulAndBareCrAreInvalidCharacters(string text) =>
        Assert.Equal(SdpParseErrorKind.InvalidCharacter, Fails(text).Kind);

    [Fact]
    public void BinaryGarbage()
    {
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);

        var error = Fails(Encoding.Latin1.GetString(bytes));

        Assert.True(error.Kind is SdpParseErrorKind.MalformedLine or SdpParseErrorKind.InvalidCharacter or SdpParseErrorKind.MissingVersion);
    }

    [Theory]
    [InlineData("{\"sdp\":\"v=0\"}")]
    [InlineData("<html>")]
    [InlineData("=====")]
    [InlineData("v=")]
    [InlineData("\r\n\r\nv=0")]
    public void Garbage(string text) => Assert.NotNull(Fails(text));
    [Fact]
    public void Utf8Bytes_ValidSdpParses()
    {
        Assert.True(SdpParser.TryParse(Encoding.UTF8.GetBytes(SdpSamples.WhatsAppOffer), out var sdp, out _));
        Assert.Equal(SdpSamples.WhatsAppOffer, sdp.ToString());
    }

    [Fact]
    public void Utf8Bytes_InvalidUtf8IsInvalidCharacter()
    {
        var bytes = Encoding.UTF8.GetBytes(Minimal).Concat(new byte[] { (byte)'s', (byte)'=', 0xC3, 0x28 }).ToArray();

        Assert.False(SdpParser.TryParse(bytes, out _, out var error));
        Assert.Equal(SdpParseErrorKind.InvalidCharacter, error.Kind);
    }

    [Fact]
    public void Utf8Bytes_OverMaxLength()
    {
        Assert.False(SdpParser.TryParse(new byte[SdpLimits.MaxLength + 1], out _, out var error));
        Assert.Equal(SdpParseErrorKind.TooLong, error.Kind);
    }
}
