using Serverless.WebRtc.Rtp;

namespace Serverless.WebRtc.Tests.Rtp;

/// <summary>
/// Hand-assembled RTP packets checked field by field against the layout of RFC 3550 §5.1 and §5.3.1,
/// plus a capture-like libwebrtc Opus packet (RFC 7587 payload, RFC 6464 + abs-send-time extensions).
/// </summary>
public sealed class RtpRfc3550VectorTests
{
    [Fact]
    public void Rfc3550_5_1_FixedHeaderFields()
    {
        byte[] packet = Convert.FromHexString("80E01234" + "00005678" + "DEADBEEF" + "010203");

        Assert.True(RtpPacket.TryParse(packet, out var rtp));
        var header = rtp.Header;
        Assert.False(header.HasPadding);
        Assert.False(header.HasExtension);
        Assert.True(header.Marker);
        Assert.Equal(96, header.PayloadType);
        Assert.Equal(0x1234, header.SequenceNumber);
        Assert.Equal(0x5678u, header.Timestamp);
        Assert.Equal(0xDEADBEEFu, header.Ssrc);
        Assert.Equal(0, header.Csrcs.Count);
        Assert.Equal(12, header.Length);
        Assert.Equal(new byte[] { 1, 2, 3 }, rtp.Payload.ToArray());
    }

    [Fact]
    public void Rfc3550_5_1_CsrcListFollowsSsrcAndCcCountsIt()
    {
        byte[] packet = Convert.FromHexString("82000001" + "00000002" + "00000003" + "11111111" + "22222222" + "FF");

        Assert.True(RtpPacket.TryParse(packet, out var rtp));
        Assert.Equal(2, rtp.Header.Csrcs.Count);
        Assert.Equal(0x11111111u, rtp.Header.Csrcs[0]);
        Assert.Equal(0x22222222u, rtp.Header.Csrcs[1]);
        Assert.Equal(20, rtp.Header.Length);
        Assert.Equal(new byte[] { 0xFF }, rtp.Payload.ToArray());
    }

    [Fact]
    public void Rfc3550_5_1_PaddingCountIsLastOctet()
    {
        // P set; payload AA BB, then three padding octets whose last one says 3 (it counts itself).
        byte[] packet = Convert.FromHexString("A0000001" + "00000002" + "00000003" + "AABB" + "000003");

        Assert.True(RtpPacket.TryParse(packet, out var rtp));
        Assert.True(rtp.Header.HasPadding);
        Assert.Equal(3, rtp.PaddingLength);
        Assert.Equal(new byte[] { 0xAA, 0xBB }, rtp.Payload.ToArray());
    }

    [Fact]
    public void Rfc3550_5_1_PaddingMayFillWholeBody()
    {
        byte[] packet = Convert.FromHexString("A0000001" + "00000002" + "00000003" + "00000004");

        Assert.True(RtpPacket.TryParse(packet, out var rtp));
        Assert.Equal(4, rtp.PaddingLength);
        Assert.True(rtp.Payload.IsEmpty);
    }

    [Fact]
    public void Rfc3550_5_1_WritingPaddingSetsPBitAndCountOctet()
    {
        var packet = new RtpPacket
        {
            Header = new RtpHeader { PayloadType = 0, SequenceNumber = 1, Timestamp = 2, Ssrc = 3 },
            Payload = new byte[] { 0xAA, 0xBB },
            PaddingLength = 2,
        };
        var buffer = new byte[packet.Length];

        Assert.True(packet.TryWrite(buffer, out var written));

        Assert.Equal(16, written);
        Assert.Equal(Convert.FromHexString("A0000001" + "00000002" + "00000003" + "AABB" + "0002"), buffer);
    }

    [Fact]
    public void Rfc3550_5_3_1_ExtensionLengthCountsWordsAfterPreamble()
    {
        byte[] packet = Convert.FromHexString("90000001" + "00000002" + "00000003" + "12340001" + "CAFEBABE" + "99");

        Assert.True(RtpPacket.TryParse(packet, out var rtp));
        Assert.True(rtp.Header.HasExtension);
        Assert.Equal(0x1234, rtp.Header.ExtensionProfile);
        Assert.Equal(Convert.FromHexString("CAFEBABE"), rtp.Header.ExtensionData.ToArray());
        Assert.Equal(20, rtp.Header.Length);
        Assert.Equal(new byte[] { 0x99 }, rtp.Payload.ToArray());
    }

    [Fact]
    public void Rfc3550_5_3_1_ExtensionOfZeroWordsIsValid()
    {
        byte[] packet = Convert.FromHexString("90000001" + "00000002" + "00000003" + "BEDE0000");

        Assert.True(RtpHeader.TryParse(packet, out var header));
        Assert.True(header.HasExtension);
        Assert.True(header.ExtensionData.IsEmpty);
        Assert.Equal(16, header.Length);
    }

    [Fact]
    public void Rfc3550_5_1_WriteProducesExactWireBytes()
    {
        uint[] csrcs = [0x0A0B0C0D];
        var header = new RtpHeader
        {
            Marker = true,
            PayloadType = 8,
            SequenceNumber = 0xFFFF,
            Timestamp = 0x01020304,
            Ssrc = 0x05060708,
            Csrcs = new SsrcList(csrcs),
            HasExtension = true,
            ExtensionProfile = 0xBEDE,
            ExtensionData = Convert.FromHexString("10AA0000"),
        };
        var buffer = new byte[header.GetSize()];

        Assert.True(header.TryWrite(buffer, out var written));

        Assert.Equal(24, written);
        Assert.Equal(Convert.FromHexString("9188FFFF" + "01020304" + "05060708" + "0A0B0C0D" + "BEDE0001" + "10AA0000"), buffer);
    }

    [Fact]
    public void Rfc3550_5_1_WriteIntoTooSmallBufferFails()
    {
        var header = new RtpHeader { PayloadType = 111 };

        Assert.False(header.TryWrite(new byte[11], out var written));
        Assert.Equal(0, written);
    }

    [Fact]
    public void Rfc3550_5_1_PayloadTypeAbove127IsRejectedWhenBuilding()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RtpHeader { PayloadType = 128 });
    }

    [Fact]
    public void Rfc3550_5_3_1_ExtensionDataMustBeWholeWords()
    {
        Assert.Throws<ArgumentException>(() => new RtpHeader { HasExtension = true, ExtensionData = new byte[3] });
    }

    [Fact]
    public void LibwebrtcOpusPacketWithAudioLevelAndAbsSendTime_Parses()
    {
        byte[] packet = RtpTestVectors.LibwebrtcOpusPacket();

        Assert.Equal(172, packet.Length);
        Assert.True(RtpPacket.TryParse(packet, out var rtp));
        Assert.Equal(111, rtp.Header.PayloadType);
        Assert.Equal(0x3039, rtp.Header.SequenceNumber);
        Assert.Equal(0x0001E240u, rtp.Header.Timestamp);
        Assert.Equal(0x2A5C1B3Du, rtp.Header.Ssrc);
        Assert.Equal(RtpExtensionProfiles.OneByte, rtp.Header.ExtensionProfile);
        Assert.Equal(148, rtp.Payload.Length);
        Assert.Equal(0x78, rtp.Payload[0]); // Opus TOC: SILK-only WB 20 ms, config 15

        Assert.True(RtpExtensionReader.TryFind(rtp.Header, RtpTestVectors.AudioLevelId, out var audioLevel));
        Assert.Equal(new byte[] { 0x9F }, audioLevel.ToArray()); // V=1 (voice), level 31 -dBov (RFC 6464 §3)
        Assert.True(RtpExtensionReader.TryFind(rtp.Header, RtpTestVectors.AbsSendTimeId, out var absSendTime));
        Assert.Equal(Convert.FromHexString("ABCDEF"), absSendTime.ToArray());
    }
}
