using Serverless.WebRtc.Sdp;

namespace Serverless.WebRtc.Tests.Sdp;

public class WhatsAppSdpBuilderTests
{
    private static readonly byte[] Digest = Enumerable.Range(0, 32).Select(i => (byte)(0xA0 + i)).ToArray();

    private const string DigestHex =
        "A0:A1:A2:A3:A4:A5:A6:A7:A8:A9:AA:AB:AC:AD:AE:AF:B0:B1:B2:B3:B4:B5:B6:B7:B8:B9:BA:BB:BC:BD:BE:BF";

    private static IceCandidateLine Candidate(string foundation, string address, int port, SdpCandidateType type, uint priority) =>
        new()
        {
            Foundation = foundation,
            Component = 1,
            Transport = SdpCandidateTransport.Udp,
            Priority = priority,
            Address = address,
            Port = port,
            Type = type,
        };

    private static readonly SdpIceCredentials ValidIce = new("AbCd", "0123456789abcdefghijklmn");

    private static WhatsAppSdpBuilder NewBuilder()
    {
        var builder = new WhatsAppSdpBuilder(ValidIce, SdpFingerprint.Sha256(Digest), 12345678, "mediaNode1")
        {
            SessionId = 4242,
        };
        builder.Candidates.Add(Candidate("1", "203.0.113.10", 50000, SdpCandidateType.Host, 2130706431));
        builder.Candidates.Add(Candidate("2", "2001:db8::10", 50000, SdpCandidateType.Host, 2130706175));
        return builder;
    }

    [Fact]
    public void Offer_ContainsExactlyTheWhatsAppLines()
    {
        var text = NewBuilder().BuildOffer().ToString();

        Assert.Equal(
            "v=0\r\n" +
            "o=- 4242 2 IN IP4 127.0.0.1\r\n" +
            "s=-\r\n" +
            "t=0 0\r\n" +
            "a=group:BUNDLE 0\r\n" +
            "a=msid-semantic: WMS\r\n" +
            "m=audio 50000 UDP/TLS/RTP/SAVPF 111 126\r\n" +
            "c=IN IP4 203.0.113.10\r\n" +
            "a=candidate:1 1 udp 2130706431 203.0.113.10 50000 typ host\r\n" +
            "a=candidate:2 1 udp 2130706175 2001:db8::10 50000 typ host\r\n" +
            "a=end-of-candidates\r\n" +
            "a=ice-ufrag:AbCd\r\n" +
            "a=ice-pwd:0123456789abcdefghijklmn\r\n" +
            "a=fingerprint:sha-256 " + DigestHex + "\r\n" +
            "a=setup:actpass\r\n" +
            "a=mid:0\r\n" +
            "a=sendrecv\r\n" +
            "a=rtcp-mux\r\n" +
            "a=rtpmap:111 opus/48000/2\r\n" +
            "a=fmtp:111 minptime=10;useinbandfec=1\r\n" +
            "a=rtpmap:126 telephone-event/8000\r\n" +
            "a=fmtp:126 0-15\r\n" +
            "a=ssrc:12345678 cname:mediaNode1\r\n",
            text);
    }

    [Fact]
    public void Offer_IsAcceptedByOurParserAndHelpersReadItBack()
    {
        var offer = NewBuilder().BuildOffer();

        var parsed = SdpParser.Parse(offer.ToString());

        Assert.Equal(offer, parsed);
        Assert.Equal(111, parsed.GetOpusPayloadType());
        Assert.Equal(126, parsed.GetTelephoneEventPayloadType());
        Assert.Equal(SetupRole.ActPass, parsed.GetSetupRole());
        Assert.True(parsed.AudioSection!.EndOfCandidates);
        Assert.True(Assert.Single(parsed.GetFingerprints()).IsSha256);
        Assert.False(parsed.IsIceLite);
    }

    [Fact]
    public void Offer_WithIceLiteMsidAndPassiveSetup()
    {
        var builder = NewBuilder();
        builder.IceLite = true;
        builder.Msid = new Msid("stream", "track");
        builder.OfferSetup = SetupRole.Passive;

        var sdp = SdpParser.Parse(builder.BuildOffer().ToString());

        Assert.True(sdp.IsIceLite);
        Assert.Equal(SetupRole.Passive, sdp.GetSetupRole());
        Assert.Equal(new Msid("stream", "track"), sdp.AudioSection!.Msid);
        Assert.Contains(new SsrcLine(12345678, "msid", "stream track"), sdp.AudioSection.Ssrcs);
    }

    [Fact]
    public void Answer_ToWhatsAppOffer_EchoesMidAndBundleAndIsActive()
    {
        var offer = SdpParser.Parse(SdpSamples.WhatsAppOffer);

        var answer = SdpParser.Parse(NewBuilder().BuildAnswer(offer).ToString());

        var audio = answer.AudioSection!;
        Assert.Equal("audio", audio.Mid);
        Assert.Equal(["audio"], answer.BundleGroup!.Mids);
        Assert.Equal(SetupRole.Active, answer.GetSetupRole());
        Assert.Equal(["111", "126"], audio.Formats);
        Assert.True(audio.RtcpMux);
        Assert.Equal(MediaDirection.SendRecv, audio.Direction);
    }

    [Fact]
    public void Rfc3264_Section6_1_AnswerKeepsTheOffersPayloadTypeNumbers()
    {
        var offer = SdpParser.Parse(SdpSamples.BrowserStyleOffer);

        var answer = NewBuilder().BuildAnswer(offer);

        var audio = answer.AudioSection!;
        Assert.Equal(["109", "101"], audio.Formats);
        Assert.Equal(new RtpMap(109, "opus", 48000, 2), audio.GetRtpMap(109));
        Assert.Equal(new RtpMap(101, "telephone-event", 8000), audio.GetRtpMap(101));
        Assert.Equal("minptime=10;useinbandfec=1", audio.GetFmtp(109)!.ParameterText);
        Assert.Equal("0-15", audio.GetFmtp(101)!.ParameterText);
        Assert.Equal(2, audio.RtpMaps.Count);
        Assert.Equal("0", audio.Mid);
    }

    [Fact]
    public void Answer_ToSixFormatOffer_IntersectsToOpusAndTelephoneEvent8000()
    {
        var offer = SdpParser.Parse(SdpSamples.MetaAnswerToBusinessOffer);

        var answer = NewBuilder().BuildAnswer(offer);

        Assert.Equal(["111", "126"], answer.AudioSection!.Formats);
    }

    [Fact]
    public void Answer_OfferWithoutTelephoneEvent_AnswersOpusOnly()
    {
        var text = SdpSamples.WhatsAppOffer
            .Replace("111 126", "111", StringComparison.Ordinal)
            .Replace("a=rtpmap:126 telephone-event/8000\r\n", string.Empty, StringComparison.Ordinal);

        var answer = NewBuilder().BuildAnswer(SdpParser.Parse(text));

        Assert.Equal(["111"], answer.AudioSection!.Formats);
        Assert.Null(answer.GetTelephoneEventPayloadType());
        Assert.Single(answer.AudioSection.Fmtps);
    }

    [Theory]
    [InlineData("a=setup:actpass", SetupRole.Active)]
    [InlineData("a=setup:active", SetupRole.Passive)]
    [InlineData("a=setup:passive", SetupRole.Active)]
    public void Rfc8842_Section5_3_AnswerRoleFollowsTheOfferedRole(string offered, SetupRole expected)
    {
        var offer = SdpParser.Parse(SdpSamples.WhatsAppOffer.Replace("a=setup:actpass", offered, StringComparison.Ordinal));

        Assert.Equal(expected, NewBuilder().BuildAnswer(offer).GetSetupRole());
    }

    [Fact]
    public void Rfc8842_Section5_3_ConfiguredPassiveAnswerToActpass()
    {
        var builder = NewBuilder();
        builder.AnswerSetup = SetupRole.Passive;

        var answer = builder.BuildAnswer(SdpParser.Parse(SdpSamples.WhatsAppOffer));

        Assert.Equal(SetupRole.Passive, answer.GetSetupRole());
    }

    [Fact]
    public void Answer_OfferWithoutOpus_Throws()
    {
        var offer = SdpParser.Parse(SdpSamples.WhatsAppOffer.Replace("opus/48000/2", "PCMU/8000", StringComparison.Ordinal));

        Assert.Throws<SdpNegotiationException>(() => NewBuilder().BuildAnswer(offer));
    }

    [Fact]
    public void Answer_OfferWithoutAudio_Throws()
    {
        var offer = SdpParser.Parse(SdpSamples.Rfc8866Example.Replace("m=audio", "m=text", StringComparison.Ordinal));

        Assert.Throws<SdpNegotiationException>(() => NewBuilder().BuildAnswer(offer));
    }

    [Fact]
    public void Answer_PlainRtpOffer_Throws()
    {
        var offer = SdpParser.Parse(SdpSamples.WhatsAppOffer.Replace("UDP/TLS/RTP/SAVPF", "RTP/AVP", StringComparison.Ordinal));

        Assert.Throws<SdpNegotiationException>(() => NewBuilder().BuildAnswer(offer));
    }

    [Fact]
    public void Answer_OfferWithoutBundle_HasMidButNoGroup()
    {
        var offer = SdpParser.Parse(SdpSamples.WhatsAppOffer.Replace("a=group:BUNDLE audio\r\n", string.Empty, StringComparison.Ordinal));

        var answer = NewBuilder().BuildAnswer(offer);

        Assert.Null(answer.BundleGroup);
        Assert.Equal("audio", answer.AudioSection!.Mid);
    }

    [Fact]
    public void Builder_RejectsNonSha256Fingerprint()
    {
        var sha1 = new SdpFingerprint("sha-1", new byte[20]);

        var ex = Assert.Throws<ArgumentException>(() => new WhatsAppSdpBuilder(ValidIce, sha1, 1, "c"));
        Assert.Equal("fingerprint", ex.ParamName);
    }

    [Theory]
    [InlineData("abc", "0123456789abcdefghijklmn")] // ufrag shorter than 4
    [InlineData("abcd", "0123456789abcdefghijk")] // pwd shorter than 22
    [InlineData("ab-d", "0123456789abcdefghijklmn")] // '-' is not an ice-char
    public void Rfc8839_Section5_4_BuilderRejectsInvalidCredentials(string ufrag, string pwd)
    {
        var ex = Assert.Throws<ArgumentException>(
            () => new WhatsAppSdpBuilder(new SdpIceCredentials(ufrag, pwd), SdpFingerprint.Sha256(Digest), 1, "c"));
        Assert.Equal("ice", ex.ParamName);
    }

    [Theory]
    [InlineData(SetupRole.ActPass)]
    [InlineData(SetupRole.HoldConn)]
    public void Rfc8842_Section5_3_AnswerSetupMustBeActiveOrPassive(SetupRole role)
    {
        var builder = NewBuilder();

        Assert.Throws<ArgumentOutOfRangeException>(() => builder.AnswerSetup = role);
    }

    [Fact]
    public void Answer_ContainsExactlyTheWhatsAppLines()
    {
        var answer = NewBuilder().BuildAnswer(SdpParser.Parse(SdpSamples.WhatsAppOffer));

        Assert.Equal(
            "v=0\r\n" +
            "o=- 4242 2 IN IP4 127.0.0.1\r\n" +
            "s=-\r\n" +
            "t=0 0\r\n" +
            "a=group:BUNDLE audio\r\n" +
            "a=msid-semantic: WMS\r\n" +
            "m=audio 50000 UDP/TLS/RTP/SAVPF 111 126\r\n" +
            "c=IN IP4 203.0.113.10\r\n" +
            "a=candidate:1 1 udp 2130706431 203.0.113.10 50000 typ host\r\n" +
            "a=candidate:2 1 udp 2130706175 2001:db8::10 50000 typ host\r\n" +
            "a=end-of-candidates\r\n" +
            "a=ice-ufrag:AbCd\r\n" +
            "a=ice-pwd:0123456789abcdefghijklmn\r\n" +
            "a=fingerprint:sha-256 " + DigestHex + "\r\n" +
            "a=setup:active\r\n" +
            "a=mid:audio\r\n" +
            "a=sendrecv\r\n" +
            "a=rtcp-mux\r\n" +
            "a=rtpmap:111 opus/48000/2\r\n" +
            "a=fmtp:111 minptime=10;useinbandfec=1\r\n" +
            "a=rtpmap:126 telephone-event/8000\r\n" +
            "a=fmtp:126 0-15\r\n" +
            "a=ssrc:12345678 cname:mediaNode1\r\n",
            answer.ToString());
    }

    [Fact]
    public void Rfc8839_Section4_2_1_2_DefaultCandidatePrefersSrflxOverHost()
    {
        var builder = NewBuilder();
        builder.Candidates.Add(Candidate("3", "198.51.100.20", 61000, SdpCandidateType.ServerReflexive, 1694498815));

        var audio = builder.BuildOffer().AudioSection!;

        Assert.Equal(61000, audio.Port);
        Assert.Equal(new SdpConnection("IN", "IP4", "198.51.100.20"), audio.Connection);
    }

    [Fact]
    public void Rfc8839_Section4_2_1_2_Ipv6OnlyDefaultCandidateGivesIp6Connection()
    {
        var builder = NewBuilder();
        builder.Candidates.RemoveAt(0);

        var audio = builder.BuildOffer().AudioSection!;

        Assert.Equal(new SdpConnection("IN", "IP6", "2001:db8::10"), audio.Connection);
    }

    [Fact]
    public void Rfc8839_Section4_2_1_2_NoCandidatesGivesPort9AndUnspecifiedAddress()
    {
        var builder = NewBuilder();
        builder.Candidates.Clear();

        var audio = builder.BuildOffer().AudioSection!;

        Assert.Equal(9, audio.Port);
        Assert.Equal(new SdpConnection("IN", "IP4", "0.0.0.0"), audio.Connection);
        Assert.True(audio.EndOfCandidates);
    }

    [Fact]
    public void Rfc3264_Section5_RandomSessionIdsDifferAndStayBelow2Pow62()
    {
        var builder = NewBuilder();
        builder.SessionId = null;

        var ids = Enumerable.Range(0, 8).Select(_ => ulong.Parse(builder.BuildOffer().Origin.SessionId)).ToList();

        Assert.True(ids.Distinct().Count() > 1);
        Assert.All(ids, id => Assert.True(id < (1UL << 62)));
    }
    [Fact]
    public void Rfc8839_Section5_1_MalformedCandidateIsRefusedRatherThanWritten()
    {
        var builder = NewBuilder();
        builder.Candidates.Add(Candidate("9", "203.0.113.10 evil", 50000, SdpCandidateType.Host, 1));

        Assert.Throws<InvalidOperationException>(builder.BuildOffer);
    }

    [Fact]
    public void Rfc3264_Section8_ReofferIncrementsVersionKeepsSessionId()
    {
        var origin = NewBuilder().BuildOffer().Origin;

        var next = origin.WithNextVersion();

        Assert.Equal((origin.SessionId, "3"), (next.SessionId, next.SessionVersion));
        Assert.Equal("18446744073709551616", (origin with { SessionVersion = "18446744073709551615" }).WithNextVersion().SessionVersion);
    }
}
