using System.Text;
using CsCheck;
using Serverless.Shared.Security;

namespace Serverless.Shared.Tests.Security;

/// <summary>
/// X-Hub-Signature-256 checks: <c>sha256=</c> + hex HMAC-SHA256(app secret, raw body).
/// Decision pinned here: the hex digest is accepted in either case (hex is case-insensitive and both spell the same
/// bytes; Meta sends lower case and <see cref="HmacSha256Signature.Sign"/> emits lower case); the <c>sha256=</c>
/// prefix is case-sensitive.
/// </summary>
public sealed class HmacSha256SignatureTests
{
    private const string Secret = "app-secret-123";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"object":"whatsapp_business_account","entry":[]}""");

    // Computed independently: printf '%s' '<Body>' | openssl dgst -sha256 -hmac "app-secret-123"
    private const string BodyDigest = "20e391a99a86fc5adf7e3a453236d20c906360291977896cf2f671e03bb95703";

    [Fact]
    public void Sign_matches_openssl_known_answer()
    {
        Assert.Equal("sha256=" + BodyDigest, new HmacSha256Signature(Secret).Sign(Body));
    }

    [Fact]
    public void Sign_matches_the_published_quick_brown_fox_vector()
    {
        // HMAC_SHA256("key", "The quick brown fox jumps over the lazy dog"), also reproduced with openssl.
        var signer = new HmacSha256Signature("key");
        Assert.Equal(
            "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8",
            signer.Sign(Encoding.ASCII.GetBytes("The quick brown fox jumps over the lazy dog")));
    }

    [Fact]
    public void Valid_signature_passes()
    {
        Assert.Equal(SignatureCheck.Valid, new HmacSha256Signature(Secret).Verify(Body, "sha256=" + BodyDigest));
    }

    [Fact]
    public void Byte_secret_and_text_secret_agree()
    {
        var fromBytes = new HmacSha256Signature(Encoding.UTF8.GetBytes(Secret));
        Assert.Equal(SignatureCheck.Valid, fromBytes.Verify(Body, "sha256=" + BodyDigest));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Missing_header_is_Missing(string? header)
    {
        Assert.Equal(SignatureCheck.Missing, new HmacSha256Signature(Secret).Verify(Body, header));
    }

    [Fact]
    public void Wrong_secret_is_Mismatch()
    {
        Assert.Equal(SignatureCheck.Mismatch, new HmacSha256Signature("another-secret").Verify(Body, "sha256=" + BodyDigest));
    }

    [Fact]
    public void Truncated_digest_is_Malformed()
    {
        Assert.Equal(SignatureCheck.Malformed, new HmacSha256Signature(Secret).Verify(Body, "sha256=" + BodyDigest[..62]));
    }

    [Fact]
    public void Overlong_digest_is_Malformed()
    {
        Assert.Equal(SignatureCheck.Malformed, new HmacSha256Signature(Secret).Verify(Body, "sha256=" + BodyDigest + "00"));
    }

    [Theory]
    [InlineData("SHA256=")]
    [InlineData("Sha256=")]
    [InlineData("sha1=")]
    [InlineData("")]
    public void Prefix_other_than_lowercase_sha256_is_Malformed(string prefix)
    {
        Assert.Equal(SignatureCheck.Malformed, new HmacSha256Signature(Secret).Verify(Body, prefix + BodyDigest));
    }

    [Fact]
    public void Non_hex_digest_is_Malformed()
    {
        var header = "sha256=" + BodyDigest[..63] + "g";
        Assert.Equal(SignatureCheck.Malformed, new HmacSha256Signature(Secret).Verify(Body, header));
    }

    [Fact]
    public void Uppercase_hex_digest_is_accepted()
    {
        Assert.Equal(SignatureCheck.Valid, new HmacSha256Signature(Secret).Verify(Body, "sha256=" + BodyDigest.ToUpperInvariant()));
    }

    [Fact]
    public void Body_changed_in_any_single_byte_is_Mismatch()
    {
        var verifier = new HmacSha256Signature(Secret);
        for (var i = 0; i < Body.Length; i++)
        {
            var tampered = (byte[])Body.Clone();
            tampered[i] ^= 0x01;
            Assert.Equal(SignatureCheck.Mismatch, verifier.Verify(tampered, "sha256=" + BodyDigest));
        }
    }

    [Fact]
    public void Body_with_one_byte_appended_or_removed_is_Mismatch()
    {
        var verifier = new HmacSha256Signature(Secret);
        Assert.Equal(SignatureCheck.Mismatch, verifier.Verify([.. Body, (byte)' '], "sha256=" + BodyDigest));
        Assert.Equal(SignatureCheck.Mismatch, verifier.Verify(Body.AsSpan(0, Body.Length - 1), "sha256=" + BodyDigest));
    }

    [Fact]
    public void Sign_then_Verify_round_trips_for_random_bodies()
    {
        Gen.Byte.Array[0, 512].Sample(body =>
        {
            var signer = new HmacSha256Signature(Secret);
            return signer.Verify(body, signer.Sign(body)) == SignatureCheck.Valid;
        });
    }

    [Fact]
    public void Empty_secret_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new HmacSha256Signature(string.Empty));
        Assert.Throws<ArgumentException>(() => new HmacSha256Signature(ReadOnlySpan<byte>.Empty));
    }
}
