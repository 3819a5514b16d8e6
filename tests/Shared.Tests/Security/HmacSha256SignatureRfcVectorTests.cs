using System.Text;
using Serverless.Shared.Security;

namespace Serverless.Shared.Tests.Security;

/// <summary>RFC 4231 HMAC-SHA-256 test vectors, checked through the signer and the verifier (byte-key constructor).</summary>
public sealed class HmacSha256SignatureRfcVectorTests
{
    [Fact]
    public void Rfc4231_Section4_2_TestCase1()
    {
        AssertVector(
            Convert.FromHexString("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"),
            Encoding.ASCII.GetBytes("Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    }

    [Fact]
    public void Rfc4231_Section4_3_TestCase2_key_shorter_than_output()
    {
        AssertVector(
            Encoding.ASCII.GetBytes("Jefe"),
            Encoding.ASCII.GetBytes("what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    [Fact]
    public void Rfc4231_Section4_7_TestCase6_key_larger_than_block_size()
    {
        AssertVector(
            Enumerable.Repeat((byte)0xaa, 131).ToArray(),
            Encoding.ASCII.GetBytes("Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    }

    private static void AssertVector(byte[] key, byte[] data, string expectedHex)
    {
        var signature = new HmacSha256Signature(key);
        Assert.Equal("sha256=" + expectedHex, signature.Sign(data));
        Assert.Equal(SignatureCheck.Valid, signature.Verify(data, "sha256=" + expectedHex));
    }
}
