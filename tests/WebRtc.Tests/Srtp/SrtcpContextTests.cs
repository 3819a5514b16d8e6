using System.Buffers.Binary;
using System.Security.Cryptography;
using Serverless.WebRtc.Srtp;
using static Serverless.WebRtc.Tests.Srtp.SrtpTestPackets;

namespace Serverless.WebRtc.Tests.Srtp;

/// <summary>SRTCP: E flag, 31-bit index, its own replay window (RFC 3711 §3.4, RFC 7714 §9).</summary>
public sealed class SrtcpContextTests
{
    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void Rfc3711_3_4_IndexStartsAtZeroIncrementsAndCarriesEFlag(SrtpProtectionProfile profile)
    {
        (SrtpContext sender, SrtpContext receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            byte[] plain = RtcpPacket(0xCAFE);
            for (uint expectedIndex = 0; expectedIndex < 3; expectedIndex++)
            {
                byte[] srtcp = ProtectRtcp(sender, plain);
                Assert.Equal(plain.Length + profile.GetRtcpOverhead(), srtcp.Length);
                Assert.Equal(0x8000_0000u | expectedIndex, ReadIndexWord(profile, srtcp));

                // Header in clear, rest encrypted.
                Assert.Equal(plain[..8], srtcp[..8]);
                Assert.NotEqual(plain[8..], srtcp[8..plain.Length]);

                (SrtpResult result, byte[] decrypted) = UnprotectRtcp(receiver, srtcp);
                Assert.Equal(SrtpResult.Ok, result);
                Assert.Equal(plain, decrypted);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void Rfc3711_3_4_IndexIsPerSenderSsrc(SrtpProtectionProfile profile)
    {
        (SrtpContext sender, SrtpContext receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            ProtectRtcp(sender, RtcpPacket(1));
            ProtectRtcp(sender, RtcpPacket(1));
            Assert.Equal(0x8000_0000u, ReadIndexWord(profile, ProtectRtcp(sender, RtcpPacket(2))));
        }
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void Rfc3711_3_4_ReplayedSrtcpRejected(SrtpProtectionProfile profile)
    {
        (SrtpContext sender, SrtpContext receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            byte[] first = ProtectRtcp(sender, RtcpPacket(9));
            byte[] second = ProtectRtcp(sender, RtcpPacket(9));
            Assert.Equal(SrtpResult.Ok, UnprotectRtcp(receiver, second).Result);
            Assert.Equal(SrtpResult.Ok, UnprotectRtcp(receiver, first).Result);
            Assert.Equal(SrtpResult.ReplayDetected, UnprotectRtcp(receiver, first).Result);
            Assert.Equal(SrtpResult.ReplayDetected, UnprotectRtcp(receiver, second).Result);
        }
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void Rfc3711_3_4_TamperedIndexFailsAndDoesNotAdvanceWindow(SrtpProtectionProfile profile)
    {
        (SrtpContext sender, SrtpContext receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            byte[] genuine = ProtectRtcp(sender, RtcpPacket(9));
            byte[] tampered = (byte[])genuine.Clone();
            int indexOffset = IndexOffset(profile, tampered.Length);
            BinaryPrimitives.WriteUInt32BigEndian(tampered.AsSpan(indexOffset), 0x8000_0000u | 5000);

            Assert.Equal(SrtpResult.AuthenticationFailed, UnprotectRtcp(receiver, tampered).Result);

            // Had the forged index 5000 been recorded, index 0 would now be too old.
            Assert.Equal(SrtpResult.Ok, UnprotectRtcp(receiver, genuine).Result);
        }
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void Rfc3711_3_4_SrtcpOlderThanWindowRejected(SrtpProtectionProfile profile)
    {
        (SrtpContext sender, SrtpContext receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            byte[] oldest = ProtectRtcp(sender, RtcpPacket(3));
            byte[]? newest = null;
            for (int i = 0; i < ReplayWindow.Width; i++)
            {
                newest = ProtectRtcp(sender, RtcpPacket(3));
            }

            Assert.Equal(SrtpResult.Ok, UnprotectRtcp(receiver, newest!).Result);
            Assert.Equal(SrtpResult.TooOld, UnprotectRtcp(receiver, oldest).Result);
        }
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void Rfc3711_3_4_SenderStopsBeforeThe31BitIndexWraps(SrtpProtectionProfile profile)
    {
        (SrtpContext sender, SrtpContext receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            sender.SetNextRtcpSendIndex(77, 0x7FFF_FFFF);
            byte[] last = ProtectRtcp(sender, RtcpPacket(77));
            Assert.Equal(0xFFFF_FFFFu, ReadIndexWord(profile, last));
            Assert.Equal(SrtpResult.Ok, UnprotectRtcp(receiver, last).Result);

            var buffer = new byte[128];
            RtcpPacket(77).CopyTo(buffer, 0);
            Assert.False(sender.TryProtectRtcp(buffer, 32, out _));
        }
    }

    /// <summary>
    /// E = 0 (RFC 3711 §3.4): the payload stays in clear and only the HMAC protects it. The expected tag
    /// is computed independently from the SRTCP session auth key.
    /// </summary>
    [Theory]
    [InlineData(SrtpProtectionProfile.Aes128CmHmacSha1Tag80)]
    [InlineData(SrtpProtectionProfile.Aes128CmHmacSha1Tag32)]
    public void Rfc3711_3_4_UnencryptedSrtcpWithEFlagClearIsAuthenticatedOnly(SrtpProtectionProfile profile)
    {
        (byte[] masterKey, byte[] masterSalt) = MasterKey(profile);
        (_, SrtpSessionKeys rtcpKeys) = SrtpSessionKeys.Derive(profile, masterKey, masterSalt);
        byte[] plain = RtcpPacket(0xE0E0);
        byte[] authenticated = [.. plain, 0x00, 0x00, 0x00, 0x07];
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, rtcpKeys.AuthenticationKey);
        hmac.AppendData(authenticated);
        byte[] tag = hmac.GetHashAndReset()[..10];
        byte[] srtcp = [.. authenticated, .. tag];

        using var receiver = new SrtpContext(profile, masterKey, masterSalt);
        (SrtpResult result, byte[] decrypted) = UnprotectRtcp(receiver, srtcp);
        Assert.Equal(SrtpResult.Ok, result);
        Assert.Equal(plain, decrypted);

        // Setting E on the same bytes changes the authenticated data, so it must fail.
        byte[] flipped = (byte[])srtcp.Clone();
        flipped[plain.Length] |= 0x80;
        using var fresh = new SrtpContext(profile, masterKey, masterSalt);
        Assert.Equal(SrtpResult.AuthenticationFailed, UnprotectRtcp(fresh, flipped).Result);
    }

    private static int IndexOffset(SrtpProtectionProfile profile, int length) =>
        profile.IsAead() ? length - 4 : length - profile.GetRtcpTagLength() - 4;

    private static uint ReadIndexWord(SrtpProtectionProfile profile, byte[] srtcp) =>
        BinaryPrimitives.ReadUInt32BigEndian(srtcp.AsSpan(IndexOffset(profile, srtcp.Length)));
}
