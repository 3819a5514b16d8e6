using CsCheck;
using Serverless.WebRtc.Demux;
using Serverless.WebRtc.Tests.Stun;

namespace Serverless.WebRtc.Tests.Demux;

public sealed class PacketClassifierTests
{
    [Theory]
    [InlineData(0, PacketKind.Stun)]
    [InlineData(1, PacketKind.Stun)]
    [InlineData(3, PacketKind.Stun)]
    [InlineData(4, PacketKind.Unknown)]
    [InlineData(15, PacketKind.Unknown)]
    [InlineData(16, PacketKind.Zrtp)]
    [InlineData(19, PacketKind.Zrtp)]
    [InlineData(20, PacketKind.Dtls)]
    [InlineData(22, PacketKind.Dtls)]   // handshake
    [InlineData(23, PacketKind.Dtls)]   // application data
    [InlineData(63, PacketKind.Dtls)]
    [InlineData(64, PacketKind.TurnChannel)]
    [InlineData(79, PacketKind.TurnChannel)]
    [InlineData(80, PacketKind.Unknown)]
    [InlineData(127, PacketKind.Unknown)]
    [InlineData(192, PacketKind.Unknown)]
    [InlineData(255, PacketKind.Unknown)]
    public void Rfc7983_Section7_FirstByteRanges(byte first, PacketKind expected)
    {
        Assert.Equal(expected, PacketClassifier.Classify([first, 0x00, 0x00, 0x00]));
    }

    [Theory]
    [InlineData(0x80, 0, PacketKind.Rtp)]      // PCMU
    [InlineData(0x80, 111, PacketKind.Rtp)]    // Opus, as WhatsApp offers it
    [InlineData(0x80, 111 | 0x80, PacketKind.Rtp)] // Opus with marker bit
    [InlineData(0x80, 126, PacketKind.Rtp)]    // telephone-event
    [InlineData(0x80, 63, PacketKind.Rtp)]
    [InlineData(0x80, 96, PacketKind.Rtp)]
    [InlineData(0xBF, 96, PacketKind.Rtp)]     // top of the 128-191 range
    [InlineData(0x80, 200, PacketKind.Rtcp)]   // SR
    [InlineData(0x81, 201, PacketKind.Rtcp)]   // RR
    [InlineData(0x81, 202, PacketKind.Rtcp)]   // SDES
    [InlineData(0x81, 203, PacketKind.Rtcp)]   // BYE
    [InlineData(0x81, 205, PacketKind.Rtcp)]   // RTPFB
    [InlineData(0x81, 206, PacketKind.Rtcp)]   // PSFB
    [InlineData(0x80, 192, PacketKind.Rtcp)]   // lowest RTCP type
    [InlineData(0x80, 223, PacketKind.Rtcp)]   // highest RTCP type
    [InlineData(0x80, 64, PacketKind.Rtcp)]    // PT 64 without marker collides with RTCP 192
    [InlineData(0x80, 95, PacketKind.Rtcp)]
    public void Rfc7983_Section7_Rfc5761_Section4_RtpVersusRtcpByPayloadType(byte first, byte second, PacketKind expected)
    {
        Assert.Equal(expected, PacketClassifier.Classify([first, second, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
    }

    [Fact]
    public void Rfc7983_Section7_StunVectorsAreStun()
    {
        Assert.Equal(PacketKind.Stun, PacketClassifier.Classify(StunVectors.SampleRequest));
        Assert.Equal(PacketKind.Stun, PacketClassifier.Classify(StunVectors.SampleIPv6Response));
    }

    [Fact]
    public void EmptyOrOneByteRtp_IsUnknown()
    {
        Assert.Equal(PacketKind.Unknown, PacketClassifier.Classify([]));
        Assert.Equal(PacketKind.Unknown, PacketClassifier.Classify([0x80]));
        Assert.Equal(PacketKind.Dtls, PacketClassifier.Classify([22]));
    }

    [Fact]
    public void ArbitraryBytes_NeverThrow_AndAgreeWithFirstByteRanges()
    {
        Gen.Byte.Array[0, 64].Sample(bytes =>
        {
            PacketKind kind = PacketClassifier.Classify(bytes);
            if (bytes.Length == 0)
            {
                Assert.Equal(PacketKind.Unknown, kind);
                return;
            }

            Assert.Equal(bytes[0] is >= 128 and <= 191 && bytes.Length >= 2, kind is PacketKind.Rtp or PacketKind.Rtcp);
            Assert.Equal(bytes[0] <= 3, kind == PacketKind.Stun);
            Assert.Equal(bytes[0] is >= 20 and <= 63, kind == PacketKind.Dtls);
        });
    }
}
