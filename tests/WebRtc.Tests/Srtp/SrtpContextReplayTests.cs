using Serverless.WebRtc.Srtp;
using static Serverless.WebRtc.Tests.Srtp.SrtpTestPackets;

namespace Serverless.WebRtc.Tests.Srtp;

/// <summary>
/// Replay protection and "state advances only after authentication" (RFC 3711 §3.3.2, §3.4; RFC 7714).
/// Pins the GCM ROC-poisoning bug: an unauthenticated packet must never move the ROC or the window.
/// </summary>
public sealed class SrtpContextReplayTests
{
    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void Rfc3711_3_3_2_ReplayedPacketRejected(SrtpProtectionProfile profile)
    {
        (SrtpContext sender, SrtpContext receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            byte[] packet = ProtectRtp(sender, RtpPacket(7, 100));
            Assert.Equal(SrtpResult.Ok, UnprotectRtp(receiver, packet).Result);
            Assert.Equal(SrtpResult.ReplayDetected, UnprotectRtp(receiver, packet).Result);

            // Also a replay of an older packet received after a newer one.
            byte[] older = ProtectRtp(sender, RtpPacket(7, 98));
            Assert.Equal(SrtpResult.Ok, UnprotectRtp(receiver, older).Result);
            Assert.Equal(SrtpResult.ReplayDetected, UnprotectRtp(receiver, older).Result);
        }
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void Rfc3711_3_3_2_PacketOlderThanWindowRejected(SrtpProtectionProfile profile)
    {
        (SrtpContext sender, SrtpContext receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            byte[] outside = ProtectRtp(sender, RtpPacket(7, 1000 - ReplayWindow.Width));
            byte[] edge = ProtectRtp(sender, RtpPacket(7, 1000 - ReplayWindow.Width + 1));
            byte[] newest = ProtectRtp(sender, RtpPacket(7, 1000));

            Assert.Equal(SrtpResult.Ok, UnprotectRtp(receiver, newest).Result);
            Assert.Equal(SrtpResult.TooOld, UnprotectRtp(receiver, outside).Result);
            Assert.Equal(SrtpResult.Ok, UnprotectRtp(receiver, edge).Result);
        }
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void Rfc3711_3_3_TamperedPacketRejected_DoesNotAdvanceRoc(SrtpProtectionProfile profile)
    {
        (SrtpContext sender, SrtpContext receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            const uint ssrc = 0x1234;
            Assert.Equal(SrtpResult.Ok, UnprotectRtp(receiver, ProtectRtp(sender, RtpPacket(ssrc, 65535))).Result);
            byte[] afterWrap = ProtectRtp(sender, RtpPacket(ssrc, 0));

            // Flip one payload bit: the receiver guesses ROC 1 for SEQ 0 but must not keep it.
            byte[] tampered = (byte[])afterWrap.Clone();
            tampered[20] ^= 0x40;
            Assert.Equal(SrtpResult.AuthenticationFailed, UnprotectRtp(receiver, tampered).Result);
            Assert.Equal(0u, receiver.GetReceiveRolloverCounter(ssrc));

            // The genuine packet with the same index is neither a replay nor mis-indexed.
            (SrtpResult result, byte[] plain) = UnprotectRtp(receiver, afterWrap);
            Assert.Equal(SrtpResult.Ok, result);
            Assert.Equal(RtpPacket(ssrc, 0), plain);
            Assert.Equal(1u, receiver.GetReceiveRolloverCounter(ssrc));
        }
    }

    [Theory]
    [InlineData(SrtpProtectionProfile.AeadAes128Gcm)]
    [InlineData(SrtpProtectionProfile.AeadAes256Gcm)]
    public void Rfc7714_GcmForgedTagDoesNotAdvanceState(SrtpProtectionProfile profile)
    {
        (SrtpContext sender, SrtpContext receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            const uint ssrc = 0x5501a0b2;
            Assert.Equal(SrtpResult.Ok, UnprotectRtp(receiver, ProtectRtp(sender, RtpPacket(ssrc, 40000))).Result);

            // A forged packet whose SEQ would make the receiver guess ROC + 1 (40000 - 32768 > 5000).
            byte[] genuine = ProtectRtp(sender, RtpPacket(ssrc, 50000));
            byte[] forged = (byte[])genuine.Clone();
            forged[2] = 0x13;
            forged[3] = 0x88; // SEQ 5000
            forged[^1] ^= 0xFF;
            Assert.Equal(SrtpResult.AuthenticationFailed, UnprotectRtp(receiver, forged).Result);
            Assert.Equal(0u, receiver.GetReceiveRolloverCounter(ssrc));

            // Same index as a genuine packet but a forged tag: the window must not mark it received.
            byte[] badTag = (byte[])genuine.Clone();
            badTag[^3] ^= 0x01;
            Assert.Equal(SrtpResult.AuthenticationFailed, UnprotectRtp(receiver, badTag).Result);
            Assert.Equal(SrtpResult.Ok, UnprotectRtp(receiver, genuine).Result);
        }
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void Rfc3711_3_3_ForgedPacketFromUnknownSsrcCreatesNoState(SrtpProtectionProfile profile)
    {
        (SrtpContext sender, SrtpContext receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            byte[] forged = ProtectRtp(sender, RtpPacket(0xFEEDFACE, 10));
            forged[^1] ^= 0x01;
            Assert.Equal(SrtpResult.AuthenticationFailed, UnprotectRtp(receiver, forged).Result);
            Assert.Null(receiver.GetReceiveRolloverCounter(0xFEEDFACE));
        }
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void Rfc3711_3_3_PacketFromOtherKeyFailsAuthentication(SrtpProtectionProfile profile)
    {
        (SrtpContext sender, _) = Pair(profile, seed: 1);
        (_, SrtpContext receiver) = Pair(profile, seed: 2);
        using (sender)
        using (receiver)
        {
            Assert.Equal(SrtpResult.AuthenticationFailed, UnprotectRtp(receiver, ProtectRtp(sender, RtpPacket(1, 1))).Result);
            Assert.Equal(SrtpResult.AuthenticationFailed, UnprotectRtcp(receiver, ProtectRtcp(sender, RtcpPacket(1))).Result);
        }
    }
}
