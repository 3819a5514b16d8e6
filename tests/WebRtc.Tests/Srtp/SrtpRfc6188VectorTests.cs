using Serverless.WebRtc.Srtp;
using static Serverless.WebRtc.Tests.Srtp.SrtpTestPackets;

namespace Serverless.WebRtc.Tests.Srtp;

/// <summary>
/// RFC 6188 §7.2 AES_256_CM_PRF vector. AES-256-CM itself is not implemented, but AEAD_AES_256_GCM derives
/// its session keys with this PRF (RFC 7714 §11), so the vector pins the 256-bit key derivation path.
/// </summary>
public sealed class SrtpRfc6188VectorTests
{
    [Fact]
    public void Rfc6188_7_2_Aes256CmPrfKeyDerivation()
    {
        byte[] masterKey = Hex("f0f04914b513f2763a1b1fa130f10e2998f6f6e43e4309d1e622a0e332b9f1b6");
        byte[] masterSalt = Hex("3b04803de51ee7c96423ab5b78d2");
        using var prf = new AesCounterMode(masterKey);

        var cipherKey = new byte[32];
        var cipherSalt = new byte[14];
        var authKey = new byte[20];
        SrtpKeyDerivation.Derive(prf, masterSalt, SrtpKeyDerivation.SrtpEncryptionLabel, cipherKey);
        SrtpKeyDerivation.Derive(prf, masterSalt, SrtpKeyDerivation.SrtpSaltLabel, cipherSalt);
        SrtpKeyDerivation.Derive(prf, masterSalt, SrtpKeyDerivation.SrtpAuthenticationLabel, authKey);

        Assert.Equal(Hex("5ba1064e30ec51613cad926c5a28ef731ec7fb397f70a960653caf06554cd8c4"), cipherKey);
        Assert.Equal(Hex("fa31791685ca444a9e07c6c64e93"), cipherSalt);
        Assert.Equal(Hex("fd9c32d39ed5fbb5a9dc96b30818454d1313dc05"), authKey);
    }
}
