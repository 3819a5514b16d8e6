using Serverless.WebRtc.Rtp;

namespace Serverless.WebRtc.Tests.Rtp;

/// <summary>Malformed RTP must be rejected by TryParse returning false, never by an exception.</summary>
public sealed class RtpMalformedTests
{
    [Theory]
    [InlineData("")]
    [InlineData("80")]
    [InlineData("8000000100000002000000")] // 11 bytes: one short of the fixed header
    public void Rfc3550_5_1_TruncatedFixedHeaderIsRejected(string hex)
    {
        byte[] packet = Convert.FromHexString(hex);

        Assert.False(RtpHeader.TryParse(packet, out _));
        Assert.False(RtpPacket.TryParse(packet, out _));
    }

    [Theory]
    [InlineData("00")]
    [InlineData("40")]
    [InlineData("C0")]
    public void Rfc3550_5_1_VersionOtherThanTwoIsRejected(string firstOctet)
    {
        byte[] packet = Convert.FromHexString(firstOctet + "000001" + "00000002" + "00000003" + "AA");

        Assert.False(RtpPacket.TryParse(packet, out _));
    }

    [Fact]
    public void Rfc3550_5_1_CsrcCountBeyondPacketIsRejected()
    {
        // CC = 3 promises 12 bytes of CSRCs, only 8 follow.
        byte[] packet = Convert.FromHexString("83000001" + "00000002" + "00000003" + "11111111" + "22222222");

        Assert.False(RtpPacket.TryParse(packet, out _));
    }

    [Fact]
    public void Rfc3550_5_3_1_ExtensionPreambleBeyondPacketIsRejected()
    {
        byte[] packet = Convert.FromHexString("90000001" + "00000002" + "00000003" + "BEDE");

        Assert.False(RtpPacket.TryParse(packet, out _));
    }

    [Fact]
    public void Rfc3550_5_3_1_ExtensionLengthBeyondPacketIsRejected()
    {
        // Length 2 words, only one present.
        byte[] packet = Convert.FromHexString("90000001" + "00000002" + "00000003" + "BEDE0002" + "10AA0000");

        Assert.False(RtpPacket.TryParse(packet, out _));
    }

    [Fact]
    public void Rfc3550_5_1_PaddingLengthBeyondPayloadIsRejected()
    {
        // Count 5, but only 3 octets follow the header.
        byte[] packet = Convert.FromHexString("A0000001" + "00000002" + "00000003" + "AA0005");

        Assert.False(RtpPacket.TryParse(packet, out _));
    }

    [Fact]
    public void Rfc3550_5_1_PaddingCountOfZeroIsRejected()
    {
        // The count includes itself, so with P set it is at least 1.
        byte[] packet = Convert.FromHexString("A0000001" + "00000002" + "00000003" + "AA00");

        Assert.False(RtpPacket.TryParse(packet, out _));
    }

    [Fact]
    public void Rfc3550_5_1_PaddingBitWithoutAnyBodyIsRejected()
    {
        byte[] packet = Convert.FromHexString("A0000001" + "00000002" + "00000003");

        Assert.False(RtpPacket.TryParse(packet, out _));
    }
}
