using System.Buffers.Binary;
using Serverless.WebRtc.Srtp;
using static Serverless.WebRtc.Tests.Srtp.SrtpTestPackets;

namespace Serverless.WebRtc.Tests.Srtp;

/// <summary>Buffer handling, header parsing and round trips through the public API.</summary>
public sealed class SrtpContextApiTests
{
    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void RoundTrip_EveryProfile_RtpAndRtcp(SrtpProtectionProfile profile)
    {
        (SrtpContext sender, SrtpContext receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            byte[] rtp = RtpPacket(0x01020304, 500);
            byte[] srtp = ProtectRtp(sender, rtp);
            Assert.Equal(rtp.Length + profile.GetRtpTagLength(), srtp.Length);
            Assert.Equal(sender.RtpOverhead, srtp.Length - rtp.Length);
            Assert.Equal(rtp[..12], srtp[..12]);
            Assert.NotEqual(rtp[12..], srtp[12..rtp.Length]);
            (SrtpResult result, byte[] plain) = UnprotectRtp(receiver, srtp);
            Assert.Equal(SrtpResult.Ok, result);
            Assert.Equal(rtp, plain);

            byte[] rtcp = RtcpPacket(0x01020304);
            byte[] srtcp = ProtectRtcp(sender, rtcp);
            Assert.Equal(sender.RtcpOverhead, srtcp.Length - rtcp.Length);
            (result, plain) = UnprotectRtcp(receiver, srtcp);
            Assert.Equal(SrtpResult.Ok, result);
            Assert.Equal(rtcp, plain);
        }
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void Rfc3711_3_1_HeaderWithCsrcsAndExtensionStaysClearAndAuthenticated(SrtpProtectionProfile profile)
    {
        (SrtpContext sender, SrtpContext receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            // V=2, X=1, CC=2; extension 0xBEDE with 2 words; header length 12 + 8 + 4 + 8 = 32.
            byte[] packet = new byte[32 + 40];
            packet[0] = 0x92;
            packet[1] = 111;
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), 7);
            BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), 0xABCD);
            BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(12), 1);
            BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(16), 2);
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(20), 0xBEDE);
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(22), 2);
            packet.AsSpan(24, 8).Fill(0x11);
            packet.AsSpan(32).Fill(0x77);

            byte[] srtp = ProtectRtp(sender, packet);
            Assert.Equal(packet[..32], srtp[..32]);
            Assert.NotEqual(packet[32..], srtp[32..packet.Length]);

            byte[] tamperedExtension = (byte[])srtp.Clone();
            tamperedExtension[25] ^= 0x01;
            Assert.Equal(SrtpResult.AuthenticationFailed, UnprotectRtp(receiver, tamperedExtension).Result);

            (SrtpResult result, byte[] plain) = UnprotectRtp(receiver, srtp);
            Assert.Equal(SrtpResult.Ok, result);
            Assert.Equal(packet, plain);
        }
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void ProtectWithoutRoomForTheTagFailsAndLeavesBufferUntouched(SrtpProtectionProfile profile)
    {
        (SrtpContext sender, _) = Pair(profile);
        using (sender)
        {
            byte[] rtp = RtpPacket(1, 1);
            byte[] buffer = new byte[rtp.Length + profile.GetRtpTagLength() - 1];
            rtp.CopyTo(buffer, 0);
            Assert.False(sender.TryProtectRtp(buffer, rtp.Length, out int written));
            Assert.Equal(0, written);
            Assert.Equal(rtp, buffer[..rtp.Length]);

            byte[] rtcp = RtcpPacket(1);
            buffer = new byte[rtcp.Length + profile.GetRtcpOverhead() - 1];
            rtcp.CopyTo(buffer, 0);
            Assert.False(sender.TryProtectRtcp(buffer, rtcp.Length, out _));
            Assert.Equal(rtcp, buffer[..rtcp.Length]);
        }
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void InvalidHeadersAreRejected(SrtpProtectionProfile profile)
    {
        (SrtpContext sender, SrtpContext receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            byte[] buffer = new byte[200];

            // Version 1.
            RtpPacket(1, 1).CopyTo(buffer, 0);
            buffer[0] = 0x40;
            Assert.False(sender.TryProtectRtp(buffer, 172, out _));
            Assert.Equal(SrtpResult.InvalidHeader, receiver.UnprotectRtp(buffer, 172 + receiver.RtpOverhead, out _));

            // CC = 15 needs 72 header bytes; the packet has 12 + tag.
            buffer[0] = 0x8F;
            Assert.False(sender.TryProtectRtp(buffer, 40, out _));
            Assert.Equal(SrtpResult.InvalidHeader, receiver.UnprotectRtp(buffer, 12 + receiver.RtpOverhead + 4, out _));

            // Extension length running past the end.
            buffer[0] = 0x90;
            BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(14), 0xFFFF);
            Assert.False(sender.TryProtectRtp(buffer, 172, out _));

            buffer[0] = 0x40;
            Assert.False(sender.TryProtectRtcp(buffer, 32, out _));
            Assert.Equal(SrtpResult.InvalidHeader, receiver.UnprotectRtcp(buffer, 32 + receiver.RtcpOverhead, out _));
        }
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void ShortPacketsAreTooShort(SrtpProtectionProfile profile)
    {
        (_, SrtpContext receiver) = Pair(profile);
        using (receiver)
        {
            byte[] buffer = RtpPacket(1, 1);
            Assert.Equal(SrtpResult.TooShort, receiver.UnprotectRtp(buffer, 12 + receiver.RtpOverhead - 1, out _));
            Assert.Equal(SrtpResult.TooShort, receiver.UnprotectRtcp(buffer, 8 + receiver.RtcpOverhead - 1, out _));
            Assert.Equal(SrtpResult.TooShort, receiver.UnprotectRtp(buffer, 0, out _));
        }
    }

    [Fact]
    public void LengthBeyondBufferThrows()
    {
        (SrtpContext sender, _) = Pair(SrtpProtectionProfile.AeadAes128Gcm);
        using (sender)
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => sender.TryProtectRtp(new byte[10], 11, out _));
            Assert.Throws<ArgumentOutOfRangeException>(() => sender.UnprotectRtp(new byte[10], -1, out _));
        }
    }

    [Fact]
    public void DisposedContextThrows()
    {
        (SrtpContext sender, _) = Pair(SrtpProtectionProfile.Aes128CmHmacSha1Tag80);
        sender.Dispose();
        sender.Dispose();
        Assert.Throws<ObjectDisposedException>(() => sender.TryProtectRtp(new byte[200], 172, out _));
    }

    [Fact]
    public void WrongMasterKeyLengthThrows()
    {
        Assert.Throws<ArgumentException>(() => new SrtpContext(SrtpProtectionProfile.AeadAes256Gcm, new byte[16], new byte[12]));
        Assert.Throws<ArgumentException>(() => new SrtpContext(SrtpProtectionProfile.Aes128CmHmacSha1Tag80, new byte[16], new byte[12]));
    }
}
