using Serverless.WebRtc.Srtp;
using static Serverless.WebRtc.Tests.Srtp.SrtpTestPackets;

namespace Serverless.WebRtc.Tests.Srtp;

/// <summary>
/// Known-answer vectors of RFC 7714 §16 (SRTP) and §17 (SRTCP). The RFC gives session keys directly:
/// key 000102..0f (..1f for AES-256), salt "Quid pro quo"; RTP SSRC 0x5501a0b2 with ROC 0 and
/// SEQ 0xf17b; RTCP sender SSRC 0x4d617273 with SRTCP index 0x5d4. §17 prints one direction per
/// profile (17.1 protects with AES-128, 17.2 unprotects with AES-256, 17.3 tags only); the reverse
/// directions are checked on the same bytes.
/// </summary>
public sealed class SrtpRfc7714VectorTests
{
    private const uint RtcpSsrc = 0x4d617273;
    private const uint RtcpIndex = 0x000005d4;

    private static readonly byte[] Key128 = Hex("000102030405060708090a0b0c0d0e0f");
    private static readonly byte[] Key256 = Hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    private static readonly byte[] Salt = Hex("517569642070726f2071756f");

    private static readonly byte[] PlainRtp = Hex("""
        8040f17b 8041f8d3 5501a0b2 47616c6c 69612065 7374206f 6d6e6973 20646976
        69736120 696e2070 61727465 73207472 6573
        """);

    private static readonly byte[] PlainRtcp = Hex("""
        81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61
        deadbeef deadbeef deadbeef deadbeef deadbeef
        """);

    private static readonly byte[] Srtp128 = Hex("""
        8040f17b 8041f8d3 5501a0b2 f24de3a3 fb34de6c acba861c 9d7e4bca be633bd5
        0d294e6f 42a5f47a 51c7d19b 36de3adf 8833899d 7f27beb1 6a9152cf 765ee439 0cce
        """);

    private static readonly byte[] Srtp256 = Hex("""
        8040f17b 8041f8d3 5501a0b2 32b1de78 a822fe12 ef9f78fa 332e33aa b1801238
        9a58e2f3 b50b2a02 76ffae0f 1ba63799 b87b7aa3 db36dfff d6b0f9bb 7878d7a7 6c13
        """);

    private static readonly byte[] Srtcp128 = Hex("""
        81c8000d 4d617273 63e94885 dcdab67c a727d766 2f6b7e99 7ff5c0f7 6c06f32d
        c676a5f1 730d6fda 4ce09b46 86303ded 0bb9275b c84aa458 96cf4d2f c5abf872
        45d9eade 800005d4
        """);

    private static readonly byte[] Srtcp256 = Hex("""
        81c8000d 4d617273 d50ae4d1 f5ce5d30 4ba297e4 7d470c28 2c3ece5d bffe0a50
        a2eaa5c1 110555be 8415f658 c61de047 6f1b6fad 1d1eb30c 4446839f 57ff6f6c
        b26ac3be 800005d4
        """);

    /// <summary>§17.3 tagging-only SRTCP (E = 0): the packet stays in clear, the tag covers it all (§9.3).</summary>
    private static readonly byte[] SrtcpAuthOnly128 = Hex("""
        81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61
        deadbeef deadbeef deadbeef deadbeef deadbeef 841dd968 3dd78ec9 2ae58790
        125f62b3 000005d4
        """);

    private static readonly byte[] SrtcpAuthOnly256 = Hex("""
        81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61
        deadbeef deadbeef deadbeef deadbeef deadbeef 91db4afb feee5a97 8fab4393
        ed2615fe 000005d4
        """);

    [Fact]
    public void Rfc7714_16_1_1_SrtpAeadAes128GcmEncryption() =>
        AssertProtectsRtp(SrtpProtectionProfile.AeadAes128Gcm, Key128, Srtp128);

    [Fact]
    public void Rfc7714_16_1_2_SrtpAeadAes128GcmDecryption() =>
        AssertUnprotectsRtp(SrtpProtectionProfile.AeadAes128Gcm, Key128, Srtp128);

    [Fact]
    public void Rfc7714_16_2_1_SrtpAeadAes256GcmEncryption() =>
        AssertProtectsRtp(SrtpProtectionProfile.AeadAes256Gcm, Key256, Srtp256);

    [Fact]
    public void Rfc7714_16_2_2_SrtpAeadAes256GcmDecryption() =>
        AssertUnprotectsRtp(SrtpProtectionProfile.AeadAes256Gcm, Key256, Srtp256);

    [Fact]
    public void Rfc7714_17_1_SrtcpAeadAes128GcmEncryptionAndTagging() =>
        AssertProtectsRtcp(SrtpProtectionProfile.AeadAes128Gcm, Key128, Srtcp128);

    [Fact]
    public void Rfc7714_17_1_SrtcpAeadAes128GcmPacketVerifiesAndDecrypts() =>
        AssertUnprotectsRtcp(SrtpProtectionProfile.AeadAes128Gcm, Key128, Srtcp128);

    [Fact]
    public void Rfc7714_17_3_SrtcpAeadAes128GcmTaggingOnlyVerifies() =>
        AssertUnprotectsRtcp(SrtpProtectionProfile.AeadAes128Gcm, Key128, SrtcpAuthOnly128);

    [Fact]
    public void Rfc7714_17_2_SrtcpAeadAes256GcmPacketIsReproducedByProtect() =>
        AssertProtectsRtcp(SrtpProtectionProfile.AeadAes256Gcm, Key256, Srtcp256);

    [Fact]
    public void Rfc7714_17_2_SrtcpAeadAes256GcmVerificationAndDecryption() =>
        AssertUnprotectsRtcp(SrtpProtectionProfile.AeadAes256Gcm, Key256, Srtcp256);

    [Fact]
    public void Rfc7714_17_SrtcpAeadAes256GcmTaggingOnlyVerifies() =>
        AssertUnprotectsRtcp(SrtpProtectionProfile.AeadAes256Gcm, Key256, SrtcpAuthOnly256);

    /// <summary>A single flipped bit in the §16.1 ciphertext must fail GCM authentication.</summary>
    [Fact]
    public void Rfc7714_16_1_2_TamperedCiphertextFailsAuthentication()
    {
        using SrtpContext context = Context(SrtpProtectionProfile.AeadAes128Gcm, Key128);
        byte[] tampered = (byte[])Srtp128.Clone();
        tampered[20] ^= 0x01;

        Assert.Equal(SrtpResult.AuthenticationFailed, UnprotectRtp(context, tampered).Result);
    }

    private static SrtpContext Context(SrtpProtectionProfile profile, byte[] key) =>
        SrtpContext.FromSessionKeys(
            profile,
            new SrtpSessionKeys((byte[])key.Clone(), (byte[])Salt.Clone(), []),
            new SrtpSessionKeys((byte[])key.Clone(), (byte[])Salt.Clone(), []));

    private static void AssertProtectsRtp(SrtpProtectionProfile profile, byte[] key, byte[] expected)
    {
        using SrtpContext context = Context(profile, key);
        Assert.Equal(expected, ProtectRtp(context, PlainRtp));
    }

    private static void AssertUnprotectsRtp(SrtpProtectionProfile profile, byte[] key, byte[] protectedPacket)
    {
        using SrtpContext context = Context(profile, key);
        (SrtpResult result, byte[] plain) = UnprotectRtp(context, protectedPacket);
        Assert.Equal(SrtpResult.Ok, result);
        Assert.Equal(PlainRtp, plain);
    }

    private static void AssertProtectsRtcp(SrtpProtectionProfile profile, byte[] key, byte[] expected)
    {
        using SrtpContext context = Context(profile, key);
        context.SetNextRtcpSendIndex(RtcpSsrc, RtcpIndex);
        Assert.Equal(expected, ProtectRtcp(context, PlainRtcp));
    }

    private static void AssertUnprotectsRtcp(SrtpProtectionProfile profile, byte[] key, byte[] protectedPacket)
    {
        using SrtpContext context = Context(profile, key);
        (SrtpResult result, byte[] plain) = UnprotectRtcp(context, protectedPacket);
        Assert.Equal(SrtpResult.Ok, result);
        Assert.Equal(PlainRtcp, plain);
    }
}
