using Serverless.WebRtc.Sdp;

namespace Serverless.WebRtc.Tests.Sdp;

/// <summary>Grammar examples of the WebRTC attribute RFCs, parsed and written back unchanged.</summary>
public class SdpAttributeRfcVectorTests
{
    [Theory]
    [InlineData("111 opus/48000/2", 111, "opus", 48000, 2)]
    [InlineData("0 PCMU/8000", 0, "PCMU", 8000, null)]
    [InlineData("126 telephone-event/8000", 126, "telephone-event", 8000, null)]
    public void Rfc8866_Section6_6_RtpMap(string value, int pt, string encoding, int clock, int? channels)
    {
        Assert.True(RtpMap.TryParse(value, out var map));

        Assert.Equal(new RtpMap(pt, encoding, clock, channels), map);
        Assert.Equal(value, map.ToValueString());
    }

    [Theory]
    [InlineData("128 opus/48000/2")]
    [InlineData("111 opus")]
    [InlineData("111 opus/0")]
    [InlineData("x opus/48000")]
    public void Rfc8866_Section6_6_MalformedRtpMapRejected(string value) => Assert.False(RtpMap.TryParse(value, out _));

    [Fact]
    public void Rfc7587_Section7_OpusFmtpParameters()
    {
        Assert.True(Fmtp.TryParse("111 minptime=10;useinbandfec=1", out var fmtp));

        Assert.Equal(111, fmtp.PayloadType);
        Assert.Equal("10", fmtp.Parameters["minptime"]);
        Assert.Equal("1", fmtp.Parameters["useinbandfec"]);
        Assert.Equal("111 minptime=10;useinbandfec=1", fmtp.ToValueString());
    }

    [Fact]
    public void Rfc4733_Section7_TelephoneEventFmtpEventList()
    {
        Assert.True(Fmtp.TryParse("126 0-15", out var fmtp));

        Assert.True(fmtp.Parameters.ContainsKey("0-15"));
        Assert.Equal("0-15", fmtp.ParameterText);
    }

    [Fact]
    public void Rfc8122_Section5_Sha256Fingerprint()
    {
        Assert.True(SdpFingerprint.TryParse("sha-256 " + SdpSamples.WhatsAppFingerprintHex, out var fp));

        Assert.True(fp.IsSha256);
        Assert.Equal(32, fp.Bytes.Length);
        Assert.Equal(0x5D, fp.Bytes[0]);
        Assert.Equal(0xCB, fp.Bytes[31]);
        Assert.Equal(SdpSamples.WhatsAppFingerprintHex, fp.Hex);
    }

    [Fact]
    public void Rfc8122_Section5_LowercaseHexAcceptedAndWrittenUppercase()
    {
        Assert.True(SdpFingerprint.TryParse("sha-256 " + SdpSamples.WhatsAppFingerprintHex.ToLowerInvariant(), out var fp));

        Assert.Equal("sha-256 " + SdpSamples.WhatsAppFingerprintHex, fp.ToValueString());
    }

    [Fact]
    public void Rfc8122_Section5_Sha384IsNotSha256()
    {
        var hex = string.Join(':', Enumerable.Repeat("AB", 48));

        Assert.True(SdpFingerprint.TryParse("sha-384 " + hex, out var fp));

        Assert.False(fp.IsSha256);
    }

    [Theory]
    [InlineData("sha-256")]
    [InlineData("sha-256 AB:CD:")]
    [InlineData("sha-256 ABCD")]
    [InlineData("sha-256 AB:GG")]
    [InlineData("sha-256 AB-CD")]
    public void Rfc8122_Section5_MalformedFingerprintRejected(string value) =>
        Assert.False(SdpFingerprint.TryParse(value, out _));

    [Theory]
    [InlineData("actpass", SetupRole.ActPass)]
    [InlineData("active", SetupRole.Active)]
    [InlineData("passive", SetupRole.Passive)]
    [InlineData("holdconn", SetupRole.HoldConn)]
    public void Rfc4145_Section4_SetupRoles(string text, SetupRole role)
    {
        Assert.True(SdpEnumText.TryParseSetupRole(text, out var parsed));
        Assert.Equal(role, parsed);
        Assert.Equal(text, role.ToText());
    }

    [Fact]
    public void Rfc5888_Section5_BundleGroup()
    {
        Assert.True(SdpGroup.TryParse("BUNDLE audio video", out var group));

        Assert.True(group.IsBundle);
        Assert.Equal(["audio", "video"], group.Mids);
        Assert.Equal("BUNDLE audio video", group.ToValueString());
    }

    [Fact]
    public void Rfc5888_Section5_OtherSemanticsKept()
    {
        Assert.True(SdpGroup.TryParse("LS 1 2", out var group));

        Assert.False(group.IsBundle);
        Assert.Equal("LS", group.Semantics);
    }

    [Fact]
    public void Rfc8830_Section2_Msid()
    {
        Assert.True(Msid.TryParse("stream1 track1", out var msid));
        Assert.Equal(new Msid("stream1", "track1"), msid);
        Assert.True(Msid.TryParse("-", out var noStream));
        Assert.Null(noStream.TrackId);
    }

    [Theory]
    [InlineData("9 IN IP4 0.0.0.0", 9)]
    [InlineData("53020", 53020)]
    public void Rfc3605_Section2_1_RtcpAttribute(string value, int port)
    {
        Assert.True(RtcpAddress.TryParse(value, out var rtcp));

        Assert.Equal(port, rtcp.Port);
        Assert.Equal(value, rtcp.ToValueString());
    }

    [Theory]
    [InlineData("111 transport-cc", "111", "transport-cc", null)]
    [InlineData("* nack pli", "*", "nack", "pli")]
    [InlineData("96 ccm fir", "96", "ccm", "fir")]
    public void Rfc4585_Section4_2_RtcpFeedback(string value, string pt, string type, string? parameters)
    {
        Assert.True(RtcpFeedback.TryParse(value, out var fb));

        Assert.Equal(new RtcpFeedback(pt, type, parameters), fb);
        Assert.Equal(value, fb.ToValueString());
    }

    [Fact]
    public void Rfc4585_Section4_2_WildcardAppliesToEveryPayloadType()
    {
        Assert.True(new RtcpFeedback("*", "nack").AppliesTo(111));
        Assert.False(new RtcpFeedback("96", "nack").AppliesTo(111));
    }

    [Theory]
    [InlineData("1 urn:ietf:params:rtp-hdrext:ssrc-audio-level", 1, null, null)]
    [InlineData("1/sendrecv urn:ietf:params:rtp-hdrext:ssrc-audio-level vad=on", 1, MediaDirection.SendRecv, "vad=on")]
    [InlineData("256/recvonly http://example.com/ext", 256, MediaDirection.RecvOnly, null)]
    public void Rfc8285_Section8_ExtMap(string value, int id, MediaDirection? direction, string? attributes)
    {
        Assert.True(ExtMap.TryParse(value, out var ext));

        Assert.Equal((id, direction, attributes), (ext.Id, ext.Direction, ext.Attributes));
        Assert.Equal(value, ext.ToValueString());
    }

    [Theory]
    [InlineData("0 urn:x")]
    [InlineData("1/sideways urn:x")]
    [InlineData("1")]
    public void Rfc8285_Section8_MalformedExtMapRejected(string value) => Assert.False(ExtMap.TryParse(value, out _));

    [Theory]
    [InlineData("3961543393 cname:WaAudio7KQ2s9xD", 3961543393u, "cname", "WaAudio7KQ2s9xD")]
    [InlineData("12345 msid:stream track", 12345u, "msid", "stream track")]
    [InlineData("12345 fancy", 12345u, "fancy", null)]
    public void Rfc5576_Section4_1_SsrcAttribute(string value, uint ssrc, string attribute, string? attrValue)
    {
        Assert.True(SsrcLine.TryParse(value, out var line));

        Assert.Equal(new SsrcLine(ssrc, attribute, attrValue), line);
        Assert.Equal(value, line.ToValueString());
    }

    [Fact]
    public void Rfc5576_Section4_1_SsrcOutOfRangeRejected() => Assert.False(SsrcLine.TryParse("4294967296 cname:x", out _));
}
