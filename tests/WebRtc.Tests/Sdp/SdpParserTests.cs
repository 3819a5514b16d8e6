using Serverless.WebRtc.Sdp;

namespace Serverless.WebRtc.Tests.Sdp;

/// <summary>Line-order rules, tolerance and lossless keeping of unknown content.</summary>
public class SdpParserTests
{
    private const string Minimal = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";

    private static SdpParseError Fails(string text)
    {
        Assert.False(SdpParser.TryParse(text, out var sdp, out var error));
        Assert.Null(sdp);
        return error;
    }

    [Fact]
    public void Minimal_ParsesAndRoundTrips()
    {
        Assert.Equal(Minimal, SdpParser.Parse(Minimal).ToString());
    }

    [Fact]
    public void TrailingWhitespaceAndBlankLastLinesAreTolerated()
    {
        var sdp = SdpParser.Parse("v=0 \r\no=- 1 2 IN IP4 127.0.0.1\t\r\ns=-\nt=0 0\r\n\r\n\n");

        Assert.Equal(Minimal, sdp.ToString());
    }

    [Fact]
    public void NoFinalNewlineIsTolerated() => Assert.Equal(Minimal, SdpParser.Parse(Minimal.TrimEnd()).ToString());

    [Fact]
    public void Rfc8866_Section5_VersionMustComeFirst()
    {
        var error = Fails("o=- 1 2 IN IP4 127.0.0.1\r\nv=0\r\ns=-\r\nt=0 0\r\n");

        Assert.Equal(new SdpParseError(SdpParseErrorKind.MissingVersion, 1, error.Message), error);
    }

    [Fact]
    public void Rfc8866_Section5_1_OnlyVersionZero() =>
        Assert.Equal(SdpParseErrorKind.UnsupportedVersion, Fails(Minimal.Replace("v=0", "v=1", StringComparison.Ordinal)).Kind);

    [Theory]
    [InlineData("v=0\r\ns=-\r\nt=0 0\r\n", SdpParseErrorKind.MissingOrigin, 2)]
    [InlineData("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\nt=0 0\r\n", SdpParseErrorKind.MissingSessionName, 3)]
    [InlineData("v=0\r\no=- x 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n", SdpParseErrorKind.InvalidOrigin, 2)]
    [InlineData("v=0\r\no=- 1 2 IN IP4\r\ns=-\r\nt=0 0\r\n", SdpParseErrorKind.InvalidOrigin, 2)]
    [InlineData("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n", SdpParseErrorKind.MissingTiming, 4)]
    [InlineData("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nm=audio 9 RTP/AVP 0\r\n", SdpParseErrorKind.MissingTiming, 4)]
    [InlineData("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n", SdpParseErrorKind.MissingSessionName, 3)]
    [InlineData("v=0\r\n", SdpParseErrorKind.MissingOrigin, 2)]
    public void Rfc8866_Section5_MandatoryLinesInOrder(string text, SdpParseErrorKind kind, int line)
    {
        var error = Fails(text);

        Assert.Equal((kind, line), (error.Kind, error.LineNumber));
    }

    [Fact]
    public void Rfc8866_Section5_10_RepeatWithoutTimingIsMisplaced()
    {
        var error = Fails("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nr=7d 1h 0 25h\r\nt=0 0\r\n");

        Assert.Equal((SdpParseErrorKind.MisplacedLine, 4), (error.Kind, error.LineNumber));
    }

    [Fact]
    public void Rfc8866_Section5_10_RepeatsBelongToTheirTiming()
    {
        const string Text = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n"
            + "t=3034423619 3042462419\r\nr=604800 3600 0 90000\r\nr=7d 1h 0 25h\r\nt=0 0\r\nz=2882844526 -1h 2898848070 0\r\n";

        var sdp = SdpParser.Parse(Text);

        Assert.Equal(["604800 3600 0 90000", "7d 1h 0 25h"], sdp.Timings[0].Repeats);
        Assert.Empty(sdp.Timings[1].Repeats);
        Assert.Equal("2882844526 -1h 2898848070 0", sdp.TimeZones);
        Assert.Equal(Text, sdp.ToString());
    }

    [Theory]
    [InlineData("t=0 0")]
    [InlineData("o=- 1 2 IN IP4 127.0.0.1")]
    [InlineData("z=0 0")]
    public void Rfc8866_Section5_SessionOnlyLinesInsideMediaAreMisplaced(string line)
    {
        var error = Fails(Minimal + "m=audio 9 RTP/AVP 0\r\n" + line + "\r\n");

        Assert.Equal((SdpParseErrorKind.MisplacedLine, 6), (error.Kind, error.LineNumber));
    }

    [Theory]
    [InlineData("c=IN IP4 192.0.2.1\r\nc=IN IP4 192.0.2.2\r\n")]
    [InlineData("i=a\r\ni=b\r\n")]
    [InlineData("k=clear:x\r\nk=clear:y\r\n")]
    public void Rfc8866_Section5_SingleSessionLinesMayNotRepeat(string lines)
    {
        var error = Fails(Minimal + lines);

        Assert.Equal((SdpParseErrorKind.DuplicateLine, 6), (error.Kind, error.LineNumber));
    }

    [Fact]
    public void Rfc8866_Section5_7_SeveralMediaConnectionsAreKept()
    {
        var text = Minimal + "m=audio 9 RTP/AVP 0\r\nc=IN IP4 233.252.0.1/127\r\nc=IN IP4 233.252.0.2/127\r\n";

        var sdp = SdpParser.Parse(text);

        Assert.Equal(2, sdp.Media[0].Connections.Count);
        Assert.Equal(text, sdp.ToString());
    }

    [Fact]
    public void Rfc8866_Section5_SessionLinesOutOfCanonicalOrderAreWrittenCanonically()
    {
        var sdp = SdpParser.Parse("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nb=AS:64\r\na=x\r\nc=IN IP4 192.0.2.1\r\n");

        Assert.Equal(
            "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nb=AS:64\r\nt=0 0\r\na=x\r\n",
            sdp.ToString());
    }

    [Fact]
    public void Rfc8866_Section5_UnknownLineTypesAndAttributesAreKeptVerbatim()
    {
        var text = Minimal + "y=future session line\r\na=x-custom:anything goes here\r\n"
            + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nb=TIAS:64000\r\nk=prompt\r\nq=media future\r\na=flag-only\r\na=empty-value:\r\n";

        var sdp = SdpParser.Parse(text);

        Assert.Equal(new SdpLine('y', "future session line"), Assert.Single(sdp.OtherLines));
        Assert.Equal("anything goes here", sdp.GetValue("x-custom"));
        var media = sdp.Media[0];
        Assert.Equal(new SdpBandwidth("TIAS", 64000), Assert.Single(media.Bandwidths));
        Assert.Equal("prompt", media.EncryptionKey);
        Assert.Null(media.Attributes[0].Value);
        Assert.Equal(string.Empty, media.Attributes[1].Value);
        Assert.Equal(text, sdp.ToString());
    }

    [Fact]
    public void Rfc8866_Section5_14_PortCountIsKept()
    {
        var text = Minimal + "m=video 49170/2 RTP/AVP 31\r\n";

        var sdp = SdpParser.Parse(text);

        Assert.Equal((49170, 2), (sdp.Media[0].Port, sdp.Media[0].PortCount));
        Assert.Equal(text, sdp.ToString());
    }

    [Theory]
    [InlineData("m=audio 9 RTP/AVP")] // no format
    [InlineData("m=audio x RTP/AVP 0")]
    [InlineData("m=audio 70000 RTP/AVP 0")]
    [InlineData("m=audio 9/0 RTP/AVP 0")]
    [InlineData("m=audio 9 RTP//AVP 0")]
    public void Rfc8866_Section5_14_MalformedMediaLines(string line)
    {
        var error = Fails(Minimal + line + "\r\n");

        Assert.Equal((SdpParseErrorKind.InvalidMediaLine, 5), (error.Kind, error.LineNumber));
    }

    [Theory]
    [InlineData("c=IN IP4", SdpParseErrorKind.InvalidConnection)]
    [InlineData("b=AS", SdpParseErrorKind.InvalidBandwidth)]
    [InlineData("b=AS:-1", SdpParseErrorKind.InvalidBandwidth)]
    [InlineData("a=", SdpParseErrorKind.InvalidAttribute)]
    [InlineData("a=bad name:x", SdpParseErrorKind.InvalidAttribute)]
    [InlineData("t=now 0", SdpParseErrorKind.InvalidTiming)]
    [InlineData("X=upper", SdpParseErrorKind.MalformedLine)]
    [InlineData("a = spaced", SdpParseErrorKind.MalformedLine)]
    [InlineData("", SdpParseErrorKind.MalformedLine)]
    public void MalformedLinesReportKindAndLineNumber(string line, SdpParseErrorKind kind)
    {
        var error = Fails(Minimal + line + "\r\nm=audio 9 RTP/AVP 0\r\n");

        Assert.Equal((kind, 5), (error.Kind, error.LineNumber));
    }

    [Fact]
    public void Parse_ThrowsTypedExceptionCarryingTheError()
    {
        var ex = Assert.Throws<SdpParseException>(() => SdpParser.Parse("garbage"));

        Assert.Equal(SdpParseErrorKind.MalformedLine, ex.Error.Kind);
        Assert.Equal(1, ex.Error.LineNumber);
    }

    [Fact]
    public void ModelEquality_DetectsAttributeDifference()
    {
        var a = SdpParser.Parse(SdpSamples.WhatsAppOffer);
        var b = SdpParser.Parse(SdpSamples.WhatsAppOffer.Replace("a=rtcp-mux\r\n", string.Empty, StringComparison.Ordinal));

        Assert.NotEqual(a, b);
        Assert.Equal(a, SdpParser.Parse(SdpSamples.WhatsAppOffer));
    }

    [Fact]
    public void TryWrite_WritesUtf8OrReportsTooSmall()
    {
        var sdp = SdpParser.Parse(Minimal);
        var buffer = new byte[256];

        Assert.True(SdpSerializer.TryWrite(sdp, buffer, out var written));
        Assert.Equal(Minimal, System.Text.Encoding.UTF8.GetString(buffer, 0, written));
        Assert.False(SdpSerializer.TryWrite(sdp, new byte[10], out _));
    }
}
