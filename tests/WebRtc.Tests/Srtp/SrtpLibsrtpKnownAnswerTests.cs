using Serverless.WebRtc.Srtp;
using static Serverless.WebRtc.Tests.Srtp.SrtpTestPackets;

namespace Serverless.WebRtc.Tests.Srtp;

/// <summary>
/// Interop known answers: the reference packets of libsrtp's <c>srtp_validate()</c> (test/srtp_driver.c),
/// made with its default AES_CM_128_HMAC_SHA1_80 policy, master key/salt of RFC 3711 B.3 and SSRC
/// 0xcafebabe. Unlike the RFC 3711 vectors these cover whole packets: KDF, IV, HMAC over packet || ROC,
/// tag truncation, and the SRTCP E/index trailer. libsrtp numbers its first SRTCP packet 1.
/// </summary>
public sealed class SrtpLibsrtpKnownAnswerTests
{
    private static readonly byte[] MasterKey = Hex("e1f97a0d3e018be0d64fa32c06de4139");
    private static readonly byte[] MasterSalt = Hex("0ec675ad498afeebb6960b3aabe6");

    private static readonly byte[] Rtp = Hex("800f1234 decafbad cafebabe abababab abababab abababab abababab");
    private static readonly byte[] SrtpTag80 = Hex("""
        800f1234 decafbad cafebabe 4e55dc4c e79978d8 8ca4d215 949d2402 b78d6acc 99ea179b 8dbb
        """);

    private static readonly byte[] SrtpTag32 = Hex("""
        800f1234 decafbad cafebabe 4e55dc4c e79978d8 8ca4d215 949d2402 b78d6acc
        """);

    private static readonly byte[] Rtcp = Hex("81c8000b cafebabe abababab abababab abababab abababab");
    private static readonly byte[] Srtcp = Hex("""
        81c8000b cafebabe 7128035b e487b9bd bef89041 f977a5a8 80000001 993e08cd 54d6c123 0798
        """);

    [Theory]
    [InlineData(SrtpProtectionProfile.Aes128CmHmacSha1Tag80)]
    [InlineData(SrtpProtectionProfile.Aes128CmHmacSha1Tag32)]
    public void Rfc3711_4_LibsrtpReferenceSrtpPacket_Protect(SrtpProtectionProfile profile)
    {
        using var context = new SrtpContext(profile, MasterKey, MasterSalt);
        Assert.Equal(Expected(profile), ProtectRtp(context, Rtp));
    }

    [Theory]
    [InlineData(SrtpProtectionProfile.Aes128CmHmacSha1Tag80)]
    [InlineData(SrtpProtectionProfile.Aes128CmHmacSha1Tag32)]
    public void Rfc3711_4_LibsrtpReferenceSrtpPacket_Unprotect(SrtpProtectionProfile profile)
    {
        using var context = new SrtpContext(profile, MasterKey, MasterSalt);
        (SrtpResult result, byte[] plain) = UnprotectRtp(context, Expected(profile));
        Assert.Equal(SrtpResult.Ok, result);
        Assert.Equal(Rtp, plain);
    }

    [Theory]
    [InlineData(SrtpProtectionProfile.Aes128CmHmacSha1Tag80)]
    [InlineData(SrtpProtectionProfile.Aes128CmHmacSha1Tag32)]
    public void Rfc3711_3_4_LibsrtpReferenceSrtcpPacket_Protect(SrtpProtectionProfile profile)
    {
        // SRTCP keeps its 80-bit tag under the _32 profile (RFC 5764 §4.1.2).
        using var context = new SrtpContext(profile, MasterKey, MasterSalt);
        context.SetNextRtcpSendIndex(0xcafebabe, 1);
        Assert.Equal(Srtcp, ProtectRtcp(context, Rtcp));
    }

    [Theory]
    [InlineData(SrtpProtectionProfile.Aes128CmHmacSha1Tag80)]
    [InlineData(SrtpProtectionProfile.Aes128CmHmacSha1Tag32)]
    public void Rfc3711_3_4_LibsrtpReferenceSrtcpPacket_Unprotect(SrtpProtectionProfile profile)
    {
        using var context = new SrtpContext(profile, MasterKey, MasterSalt);
        (SrtpResult result, byte[] plain) = UnprotectRtcp(context, Srtcp);
        Assert.Equal(SrtpResult.Ok, result);
        Assert.Equal(Rtcp, plain);
    }

    private static byte[] Expected(SrtpProtectionProfile profile) =>
        profile == SrtpProtectionProfile.Aes128CmHmacSha1Tag80 ? SrtpTag80 : SrtpTag32;
}
