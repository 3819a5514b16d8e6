using Serverless.WebRtc.Sdp;

namespace Serverless.WebRtc.Tests.Sdp;

/// <summary>RFC 8866 §5 example SDP and RFC 8839 §5.1 candidate grammar examples.</summary>
public class SdpRfcVectorTests
{
    [Fact]
    public void Rfc8866_Section5_ExampleSessionFields()
    {
        var sdp = SdpParser.Parse(SdpSamples.Rfc8866Example);

        Assert.Equal(0, sdp.Version);
        Assert.Equal(new SdpOrigin("jdoe", "3724394400", "3724394405", "IN", "IP4", "198.51.100.1"), sdp.Origin);
        Assert.Equal("Call to John Smith", sdp.SessionName);
        Assert.Equal("SDP Offer #1", sdp.Information);
        Assert.Equal("http://www.jdoe.example.com/home.html", sdp.Uri);
        Assert.Equal(["Jane Doe <jane@jdoe.example.com>"], sdp.Emails);
        Assert.Equal(["+1 617 555-6011"], sdp.Phones);
        Assert.Equal(new SdpConnection("IN", "IP4", "198.51.100.1"), sdp.Connection);
        var timing = Assert.Single(sdp.Timings);
        Assert.Equal((0UL, 0UL), (timing.Start, timing.Stop));
    }

    [Fact]
    public void Rfc8866_Section5_ExampleMediaSections()
    {
        var sdp = SdpParser.Parse(SdpSamples.Rfc8866Example);

        Assert.Equal(3, sdp.Media.Count);
        Assert.Equal(("audio", 49170, "RTP/AVP"), (sdp.Media[0].Media, sdp.Media[0].Port, sdp.Media[0].Proto));
        Assert.Equal(["0"], sdp.Media[0].Formats);
        Assert.Equal(49180, sdp.Media[1].Port);
        var video = sdp.Media[2];
        Assert.Equal(("video", 51372), (video.Media, video.Port));
        Assert.Equal(new SdpConnection("IN", "IP6", "2001:db8::2"), video.Connection);
        Assert.Equal(new RtpMap(99, "h263-1998", 90000), Assert.Single(video.RtpMaps));
        Assert.Same(sdp.Media[0], sdp.AudioSection);
    }

    [Fact]
    public void Rfc8866_Section5_ExampleRoundTripsByteForByte()
    {
        var sdp = SdpParser.Parse(SdpSamples.Rfc8866Example);

        Assert.Equal(SdpSamples.Rfc8866Example, SdpSerializer.Write(sdp));
    }

    [Fact]
    public void Rfc8866_Section5_ExampleWithBareLf_ParsesAndIsWrittenWithCrlf()
    {
        var lf = SdpSamples.Rfc8866Example.Replace("\r\n", "\n", StringComparison.Ordinal);

        var sdp = SdpParser.Parse(lf);

        Assert.Equal(SdpSamples.Rfc8866Example, sdp.ToString());
        Assert.Equal(SdpParser.Parse(SdpSamples.Rfc8866Example), sdp);
    }

    [Fact]
    public void Rfc8839_Section5_1_HostCandidateExample()
    {
        Assert.True(IceCandidateLine.TryParse("1 1 UDP 2130706431 203.0.113.141 8998 typ host", out var c));

        Assert.Equal("1", c.Foundation);
        Assert.Equal(1, c.Component);
        Assert.Equal(SdpCandidateTransport.Udp, c.Transport);
        Assert.Equal(2130706431u, c.Priority);
        Assert.Equal("203.0.113.141", c.Address);
        Assert.Equal(SdpCandidateAddressKind.IPv4, c.AddressKind);
        Assert.Equal(8998, c.Port);
        Assert.Equal(SdpCandidateType.Host, c.Type);
        Assert.Null(c.RelatedAddress);
        Assert.Null(c.RelatedPort);
        Assert.Empty(c.Extensions);
    }

    [Fact]
    public void Rfc8839_Section5_1_ServerReflexiveExampleCarriesRaddrAndRport()
    {
        const string Line = "2 1 UDP 1694498815 192.0.2.3 45664 typ srflx raddr 203.0.113.141 rport 8998";

        Assert.True(IceCandidateLine.TryParse(Line, out var c));

        Assert.Equal(SdpCandidateType.ServerReflexive, c.Type);
        Assert.Equal(("192.0.2.3", 45664), (c.Address, c.Port));
        Assert.Equal("203.0.113.141", c.RelatedAddress);
        Assert.Equal(8998, c.RelatedPort);
        Assert.Equal(Line.Replace("UDP", "udp", StringComparison.Ordinal), c.ToValueString());
    }

    [Fact]
    public void Rfc8839_Section5_1_CandidateAttributeInsideAnSdpIsTyped()
    {
        var text = SdpSamples.Rfc8866Example
            + "a=candidate:1 1 UDP 2130706431 203.0.113.141 8998 typ host\r\n"
            + "a=candidate:2 1 UDP 1694498815 192.0.2.3 45664 typ srflx raddr 203.0.113.141 rport 8998\r\n";

        var sdp = SdpParser.Parse(text);

        Assert.Equal(["1", "2"], sdp.Media[2].Candidates.Select(c => c.Foundation));
        Assert.Equal(text, sdp.ToString());
    }

    [Fact]
    public void Rfc8839_Section5_1_Ipv6ConnectionAddress()
    {
        Assert.True(IceCandidateLine.TryParse("3 1 udp 2122262783 2001:db8:85a3::8a2e:370:7334 50000 typ host", out var c));

        Assert.Equal(SdpCandidateAddressKind.IPv6, c.AddressKind);
        Assert.Equal("2001:db8:85a3::8a2e:370:7334", c.Address);
    }

    [Fact]
    public void Rfc8839_Section5_1_FqdnConnectionAddress()
    {
        Assert.True(IceCandidateLine.TryParse("4 1 udp 2113937151 8c5e3a1b-2f6d-4e9a-b0c7-1d2e3f4a5b6c.local 61764 typ host", out var c));

        Assert.Equal(SdpCandidateAddressKind.Fqdn, c.AddressKind);
    }

    [Theory]
    [InlineData("1 1 TCP 2128609279 10.0.1.1 9 typ host tcptype active", SdpCandidateTcpType.Active)]
    [InlineData("2 1 TCP 2124414975 10.0.1.1 8998 typ host tcptype passive", SdpCandidateTcpType.Passive)]
    [InlineData("3 1 TCP 2120220671 10.0.1.1 8999 typ host tcptype so", SdpCandidateTcpType.SimultaneousOpen)]
    public void Rfc6544_Section4_5_TcpTypeExtension(string line, SdpCandidateTcpType expected)
    {
        Assert.True(IceCandidateLine.TryParse(line, out var c));

        Assert.Equal(SdpCandidateTransport.Tcp, c.Transport);
        Assert.Equal(expected, c.TcpType);
    }

    [Fact]
    public void Rfc8839_Section5_1_ExtensionAttributesKeptInOrder()
    {
        const string Line = "842163049 1 udp 1677729535 203.0.113.7 61764 typ srflx raddr 0.0.0.0 rport 0 generation 0 ufrag GVWP network-cost 999";

        Assert.True(IceCandidateLine.TryParse(Line, out var c));

        Assert.Equal(
            [new("generation", "0"), new("ufrag", "GVWP"), new("network-cost", "999")],
            c.Extensions);
        Assert.Equal("GVWP", c.GetExtension("ufrag"));
        Assert.Equal(Line, c.ToValueString());
    }

    [Fact]
    public void Rfc8839_Section5_1_TrickleFormWithCandidatePrefixParses()
    {
        Assert.True(IceCandidateLine.TryParse("candidate:1 1 UDP 2130706431 203.0.113.141 8998 typ host", out var c));
        Assert.Equal("1", c.Foundation);
    }

    [Theory]
    [InlineData("1 1 UDP 2130706431 203.0.113.141 8998 host")] // "typ" keyword missing
    [InlineData("1 1 UDP 2130706431 203.0.113.141 8998 typ")] // type missing
    [InlineData("1 1 UDP 2130706431 203.0.113.141 70000 typ host")] // port out of range
    [InlineData("1 0 UDP 2130706431 203.0.113.141 8998 typ host")] // component-id starts at 1
    [InlineData("1 1 SCTP 2130706431 203.0.113.141 8998 typ host")] // transport we do not model
    [InlineData("1 1 UDP 99999999999 203.0.113.141 8998 typ host")] // priority wider than 10 digits
    [InlineData("123456789012345678901234567890123 1 UDP 1 203.0.113.141 8998 typ host")] // foundation > 32 ice-chars
    [InlineData("f!o 1 UDP 1 203.0.113.141 8998 typ host")] // foundation outside ice-char
    [InlineData("1 1 UDP 1 203.0.113.141 8998 typ host generation")] // extension name without value
    [InlineData("1 1 UDP 1 203.0.113.141 8998 typ bogus")] // unknown candidate type
    [InlineData("1  1 UDP 1 203.0.113.141 8998 typ host")] // double space
    public void Rfc8839_Section5_1_MalformedCandidatesAreRejected(string line)
    {
        Assert.False(IceCandidateLine.TryParse(line, out _));
    }

    [Fact]
    public void Rfc8839_Section5_1_MalformedCandidateStaysRawAndIsSkippedByTypedView()
    {
        var text = SdpSamples.Rfc8866Example + "a=candidate:not a candidate\r\n";

        var sdp = SdpParser.Parse(text);

        Assert.Empty(sdp.Media[2].Candidates);
        Assert.Equal(text, sdp.ToString());
    }
}
