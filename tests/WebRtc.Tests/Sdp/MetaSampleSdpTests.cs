using Serverless.WebRtc.Sdp;

namespace Serverless.WebRtc.Tests.Sdp;

/// <summary>WhatsApp/Meta-shaped SDPs parse, round-trip, and the peer's helpers read them right.</summary>
public class MetaSampleSdpTests
{
    [Theory]
    [InlineData(SdpSamples.WhatsAppOffer)]
    [InlineData(SdpSamples.MetaAnswerToBusinessOffer)]
    [InlineData(SdpSamples.BrowserStyleOffer)]
    public void Sample_RoundTripsByteForByte(string text)
    {
        Assert.True(SdpParser.TryParse(text, out var sdp, out var error), error?.ToString());

        Assert.Equal(text, SdpSerializer.Write(sdp));
    }

    [Fact]
    public void WhatsAppOffer_SessionLevel()
    {
        var sdp = SdpParser.Parse(SdpSamples.WhatsAppOffer);

        Assert.True(sdp.IsIceLite);
        Assert.Equal(["audio"], sdp.BundleGroup!.Mids);
        Assert.Equal("WMS", sdp.MsidSemantic!.Semantic);
        Assert.Single(sdp.Media);
    }

    [Fact]
    public void WhatsAppOffer_AudioSection()
    {
        var sdp = SdpParser.Parse(SdpSamples.WhatsAppOffer);
        var audio = sdp.AudioSection!;

        Assert.Equal((3482, MediaDescription.WebRtcProto), (audio.Port, audio.Proto));
        Assert.Equal(["111", "126"], audio.Formats);
        Assert.Equal("157.240.19.130", audio.Connection!.Address);
        Assert.Equal("audio", audio.Mid);
        Assert.True(audio.RtcpMux);
        Assert.False(audio.RtcpRsize);
        Assert.Equal(MediaDirection.SendRecv, audio.Direction);
        Assert.Equal(["trickle"], audio.IceOptions);
        Assert.Equal(9, audio.Rtcp!.Port);
        Assert.Equal([1, 2, 3], audio.ExtMaps.Select(e => e.Id));
        Assert.Equal("transport-cc", Assert.Single(audio.RtcpFeedbacks).Type);
        Assert.Equal("d3a1e9c4-58b2-4e07-8f6d-0a9c2b7e5d14", audio.Msid!.TrackId);
        var cname = audio.Ssrcs.Single(s => s.Attribute == SsrcLine.CName);
        Assert.Equal((3961543393u, "WaAudio7KQ2s9xD"), (cname.Ssrc, cname.Value));
        Assert.Equal("minptime=10;useinbandfec=1", audio.GetFmtp(111)!.ParameterText);
    }

    [Fact]
    public void WhatsAppOffer_PeerHelpers()
    {
        var sdp = SdpParser.Parse(SdpSamples.WhatsAppOffer);

        Assert.Equal(new SdpIceCredentials("Oo4pkVfbXhVKSWVv", "o4bGFExpL6ZMy6j4Y+jMpA3G"), sdp.GetIceCredentials());
        var fp = Assert.Single(sdp.GetFingerprints());
        Assert.True(fp.IsSha256);
        Assert.Equal(SdpSamples.WhatsAppFingerprintHex, fp.Hex);
        Assert.Equal(SetupRole.ActPass, sdp.GetSetupRole());
        Assert.Equal(111, sdp.GetOpusPayloadType());
        Assert.Equal(126, sdp.GetTelephoneEventPayloadType());
    }

    [Fact]
    public void WhatsAppOffer_CandidatesUdpIpv4Ipv6AndTcpPassive()
    {
        var candidates = SdpParser.Parse(SdpSamples.WhatsAppOffer).GetCandidates();

        Assert.Equal(4, candidates.Count);
        Assert.All(candidates, c => Assert.Equal(SdpCandidateType.Host, c.Type));
        Assert.Equal(
            [
                (SdpCandidateTransport.Udp, SdpCandidateAddressKind.IPv4, 3482, (SdpCandidateTcpType?)null),
                (SdpCandidateTransport.Udp, SdpCandidateAddressKind.IPv6, 3482, null),
                (SdpCandidateTransport.Tcp, SdpCandidateAddressKind.IPv4, 3478, SdpCandidateTcpType.Passive),
                (SdpCandidateTransport.Tcp, SdpCandidateAddressKind.IPv6, 3478, SdpCandidateTcpType.Passive),
            ],
            candidates.Select(c => (c.Transport, c.AddressKind, c.Port, c.TcpType)));
        Assert.Equal("2a03:2880:f23d:1c5:face:b00c:0:167", candidates[1].Address);
        Assert.Equal(2122260223u, candidates[0].Priority);
    }

    [Fact]
    public void MetaAnswer_KeepsAllSixFormatsAndPicksTelephoneEvent8000NotThe48000One()
    {
        var sdp = SdpParser.Parse(SdpSamples.MetaAnswerToBusinessOffer);
        var audio = sdp.AudioSection!;

        Assert.Equal(["111", "9", "0", "8", "110", "126"], audio.Formats);
        Assert.Equal(111, sdp.GetOpusPayloadType());
        // 110 is telephone-event/48000, which WhatsApp does not support; 126 is the 8000 Hz one.
        Assert.Equal(126, sdp.GetTelephoneEventPayloadType());
        Assert.Equal(new RtpMap(9, "G722", 8000), audio.GetRtpMap(9));
    }

    [Fact]
    public void MetaAnswer_DtlsRoleIceLiteAndCredentials()
    {
        var sdp = SdpParser.Parse(SdpSamples.MetaAnswerToBusinessOffer);

        Assert.Equal(SetupRole.Active, sdp.GetSetupRole());
        Assert.True(sdp.IsIceLite);
        Assert.Equal("EbT4cXksCyVKQMC/103", sdp.GetIceCredentials()!.Ufrag);
        Assert.Equal("0", sdp.AudioSection!.Mid);
        Assert.Equal(4, sdp.GetCandidates().Count);
        Assert.Equal(40012, sdp.GetCandidates()[0].Port);
        Assert.False(sdp.AudioSection.EndOfCandidates);
    }

    [Fact]
    public void BrowserOffer_OpusPtIs109AndTelephoneEvent8000Is101()
    {
        var sdp = SdpParser.Parse(SdpSamples.BrowserStyleOffer);

        Assert.Equal(109, sdp.GetOpusPayloadType());
        Assert.Equal(101, sdp.GetTelephoneEventPayloadType());
        Assert.True(sdp.AudioSection!.RtcpRsize);
        Assert.False(sdp.IsIceLite);
        Assert.Equal(SdpCandidateAddressKind.Fqdn, sdp.GetCandidates()[1].AddressKind);
        Assert.Equal(("0.0.0.0", 0), (sdp.GetCandidates()[0].RelatedAddress, sdp.GetCandidates()[0].RelatedPort));
    }

    [Fact]
    public void Rfc8839_Section5_4_MediaLevelCredentialsOverrideSessionLevel()
    {
        var text = SdpSamples.WhatsAppOffer.Replace(
            "a=ice-lite\r\n", "a=ice-lite\r\na=ice-ufrag:SESSIONUF\r\na=ice-pwd:SESSIONPWDSESSIONPWDxx\r\n", StringComparison.Ordinal);

        var sdp = SdpParser.Parse(text);

        Assert.Equal("Oo4pkVfbXhVKSWVv", sdp.GetIceCredentials()!.Ufrag);
        Assert.Equal("SESSIONUF", sdp.IceUfrag);
    }

    [Fact]
    public void Rfc8839_Section5_4_SessionLevelCredentialsUsedWhenMediaHasNone()
    {
        var text = SdpSamples.WhatsAppOffer
            .Replace("a=ice-ufrag:Oo4pkVfbXhVKSWVv\r\na=ice-pwd:o4bGFExpL6ZMy6j4Y+jMpA3G\r\n", string.Empty, StringComparison.Ordinal)
            .Replace("a=ice-lite\r\n", "a=ice-lite\r\na=ice-ufrag:SESSIONUF\r\na=ice-pwd:SESSIONPWDSESSIONPWDxx\r\n", StringComparison.Ordinal);

        var sdp = SdpParser.Parse(text);

        Assert.Equal(new SdpIceCredentials("SESSIONUF", "SESSIONPWDSESSIONPWDxx"), sdp.GetIceCredentials());
    }

    [Fact]
    public void Rfc8122_Section5_SessionLevelFingerprintUsedWhenMediaHasNone()
    {
        var line = "a=fingerprint:sha-256 " + SdpSamples.WhatsAppFingerprintHex + "\r\n";
        var text = SdpSamples.WhatsAppOffer.Replace(line, string.Empty, StringComparison.Ordinal)
            .Replace("a=ice-lite\r\n", "a=ice-lite\r\n" + line, StringComparison.Ordinal);

        var sdp = SdpParser.Parse(text);

        Assert.Empty(sdp.AudioSection!.Fingerprints);
        Assert.Equal(SdpSamples.WhatsAppFingerprintHex, Assert.Single(sdp.GetFingerprints()).Hex);
    }

    [Fact]
    public void Rfc8839_Section5_4_MetaCredentialsAreValidIceChars()
    {
        Assert.True(SdpParser.Parse(SdpSamples.WhatsAppOffer).GetIceCredentials()!.IsValid);
        Assert.True(SdpParser.Parse(SdpSamples.MetaAnswerToBusinessOffer).GetIceCredentials()!.IsValid);
        Assert.False(new SdpIceCredentials("Oo4pkVfbXhVKSWVv", "tooShort").IsValid);
    }

    [Fact]
    public void MsidSemantic_BrowserAndMetaFormWithLeadingSpace()
    {
        Assert.True(MsidSemantic.TryParse(" WMS a7299aa1", out var ms));

        Assert.Equal("WMS", ms.Semantic);
        Assert.Equal(["a7299aa1"], ms.Ids);
        Assert.Equal(" WMS a7299aa1", ms.ToValueString());
    }

    [Fact]
    public void IceCredentials_ToStringDoesNotRevealPassword()
    {
        var creds = SdpParser.Parse(SdpSamples.WhatsAppOffer).GetIceCredentials()!;

        Assert.DoesNotContain(creds.Password, creds.ToString(), StringComparison.Ordinal);
    }
}
