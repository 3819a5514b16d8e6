using Serverless.WebRtc.Srtp;
using static Serverless.WebRtc.Tests.Srtp.SrtpTestPackets;

namespace Serverless.WebRtc.Tests.Srtp;

/// <summary>Known-answer vectors of RFC 3711 Appendix B.</summary>
public sealed class SrtpRfc3711VectorTests
{
    private static readonly byte[] B3MasterKey = Hex("E1F97A0D3E018BE0D64FA32C06DE4139");
    private static readonly byte[] B3MasterSalt = Hex("0EC675AD498AFEEBB6960B3AABE6");

    /// <summary>
    /// B.2: session key 2B7E..., session salt F0F1...FD, SSRC 0, ROC 0, SEQ 0. Encrypting zeros through the
    /// whole SRTP path yields the keystream, so this pins the IV layout and the 128-bit counter increment.
    /// </summary>
    [Fact]
    public void Rfc3711_B2_AesCmKeystream()
    {
        var rtp = new SrtpSessionKeys(Hex("2B7E151628AED2A6ABF7158809CF4F3C"), Hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD"), new byte[20]);
        var rtcp = new SrtpSessionKeys(new byte[16], new byte[14], new byte[20]);
        using SrtpContext context = SrtpContext.FromSessionKeys(SrtpProtectionProfile.Aes128CmHmacSha1Tag80, rtp, rtcp);

        const int blocks = 0xFF02;
        var buffer = new byte[12 + (blocks * 16) + 10];
        buffer[0] = 0x80; // V=2, SEQ=0, SSRC=0
        Assert.True(context.TryProtectRtp(buffer, buffer.Length - 10, out int protectedLength));
        Assert.Equal(buffer.Length, protectedLength);

        byte[] Block(int j) => buffer.AsSpan(12 + (j * 16), 16).ToArray();
        Assert.Equal(Hex("E03EAD0935C95E80E166B16DD92B4EB4"), Block(0x0000));
        Assert.Equal(Hex("D23513162B02D0F72A43A2FE4A5F97AB"), Block(0x0001));
        Assert.Equal(Hex("41E95B3BB0A2E8DD477901E4FCA894C0"), Block(0x0002));
        Assert.Equal(Hex("EC8CDF7398607CB0F2D21675EA9EA1E4"), Block(0xFEFF));
        Assert.Equal(Hex("362B7C3C6773516318A077D7FC5073AE"), Block(0xFF00));
        Assert.Equal(Hex("6A2CC3787889374FBEB4C81B17BA6C44"), Block(0xFF01));
    }

    /// <summary>B.3: the AES-CM PRF output for labels 0 (cipher key), 2 (cipher salt) and 1 (auth key, 94 bytes).</summary>
    [Fact]
    public void Rfc3711_B3_KeyDerivation()
    {
        using var prf = new AesCounterMode(B3MasterKey);

        var cipherKey = new byte[16];
        var cipherSalt = new byte[14];
        var authKey = new byte[94];
        SrtpKeyDerivation.Derive(prf, B3MasterSalt, SrtpKeyDerivation.SrtpEncryptionLabel, cipherKey);
        SrtpKeyDerivation.Derive(prf, B3MasterSalt, SrtpKeyDerivation.SrtpSaltLabel, cipherSalt);
        SrtpKeyDerivation.Derive(prf, B3MasterSalt, SrtpKeyDerivation.SrtpAuthenticationLabel, authKey);

        Assert.Equal(Hex("C61E7A93744F39EE10734AFE3FF7A087"), cipherKey);
        Assert.Equal(Hex("30CBBC08863D8C85D49DB34A9AE1"), cipherSalt);
        Assert.Equal(
            Hex("""
                CEBE321F6FF7716B6FD4AB49AF256A15 6D38BAA48F0A0ACF3C34E2359E6CDBCE
                E049646C43D9327AD175578EF7227098 6371C10C9A369AC2F94A8C5FBCDDDC25
                6D6E919A48B610EF17C2041E47403576 6B68642C59BBFC2F34DB60DBDFB2
                """),
            authKey);
    }

    /// <summary>B.3 through the profile: the SRTP session key set is the 16/14/20-byte prefix of the PRF output.</summary>
    [Fact]
    public void Rfc3711_B3_KeyDerivation_SessionKeySetForProfile()
    {
        (SrtpSessionKeys rtp, SrtpSessionKeys rtcp) = SrtpSessionKeys.Derive(SrtpProtectionProfile.Aes128CmHmacSha1Tag80, B3MasterKey, B3MasterSalt);

        Assert.Equal(Hex("C61E7A93744F39EE10734AFE3FF7A087"), rtp.EncryptionKey);
        Assert.Equal(Hex("30CBBC08863D8C85D49DB34A9AE1"), rtp.Salt);
        Assert.Equal(Hex("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4"), rtp.AuthenticationKey);

        // SRTCP uses labels 3..5, so its keys must differ from every SRTP key.
        Assert.NotEqual(rtp.EncryptionKey, rtcp.EncryptionKey);
        Assert.NotEqual(rtp.Salt, rtcp.Salt);
        Assert.NotEqual(rtp.AuthenticationKey, rtcp.AuthenticationKey);
    }
}
