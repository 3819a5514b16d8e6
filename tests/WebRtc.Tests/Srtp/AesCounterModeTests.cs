using CsCheck;
using Serverless.WebRtc.Srtp;
using static Serverless.WebRtc.Tests.Srtp.SrtpTestPackets;

namespace Serverless.WebRtc.Tests.Srtp;

/// <summary>The AES-NI counter mode against FIPS 197 answers and against .NET's AES.</summary>
public sealed class AesCounterModeTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Fips197_AppendixC1_Aes128(bool allowAesNi) =>
        AssertFirstBlock(allowAesNi, "000102030405060708090a0b0c0d0e0f", "69c4e0d86a7b0430d8cdb78070b4c55a");

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Fips197_AppendixC3_Aes256(bool allowAesNi) =>
        AssertFirstBlock(
            allowAesNi, "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "8ea2b7ca516745bfeafc49904b496089");

    [Fact]
    public void AesNiPathMatchesDotNetAes_ForRandomKeysIvsAndLengths()
    {
        Gen.Select(Gen.Bool, Gen.Byte.Array[32], Gen.Byte.Array[16], Gen.Byte.Array[0, 300])
            .Sample((wide, keyBytes, iv, data) => AssertSameKeystream(keyBytes.AsSpan(0, wide ? 32 : 16), iv, data));
    }

    [Theory]
    [InlineData("f0f1f2f3f4f5f6f7ffffffffffffffff")] // carry out of the low 64 bits
    [InlineData("ffffffffffffffffffffffffffffffff")] // 2^128 wraps to zero
    public void CounterIncrementsAsOne128BitInteger(string ivHex)
    {
        AssertSameKeystream(Hex("2b7e151628aed2a6abf7158809cf4f3c"), Hex(ivHex), new byte[100]);
        AssertSameKeystream(Hex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4"), Hex(ivHex), new byte[100]);
    }

    private static void AssertFirstBlock(bool allowAesNi, string keyHex, string expectedHex)
    {
        // The FIPS 197 plaintext 00112233..ff used as the counter block: keystream block 0 = AES_k(plaintext).
        using var ctr = new AesCounterMode(Hex(keyHex), allowAesNi);
        var block = new byte[16];
        ctr.Apply(Hex("00112233445566778899aabbccddeeff"), block);
        Assert.Equal(Hex(expectedHex), block);
    }

    private static void AssertSameKeystream(ReadOnlySpan<byte> key, byte[] iv, byte[] data)
    {
        using var aesNi = new AesCounterMode(key, allowAesNi: true);
        using var reference = new AesCounterMode(key, allowAesNi: false);
        byte[] viaAesNi = (byte[])data.Clone();
        byte[] viaReference = (byte[])data.Clone();
        aesNi.Apply(iv, viaAesNi);
        reference.Apply(iv, viaReference);
        Assert.Equal(viaReference, viaAesNi);
    }
}
