using Serverless.WebRtc.Dtls;

namespace Serverless.WebRtc.Tests.Dtls;

public sealed class CertificateFingerprintTests
{
    [Fact]
    public void GeneratedCertificateHasAMatchingSha256Fingerprint()
    {
        var cert = DtlsCertificate.Generate();

        Assert.True(cert.Fingerprint.IsSha256);
        Assert.True(cert.Fingerprint.Matches(cert.Der));
        Assert.False(DtlsCertificate.Generate().Fingerprint.Matches(cert.Der));
    }

    [Fact]
    public void Rfc8122_5_SdpValueRoundTrips()
    {
        var cert = DtlsCertificate.Generate();
        var text = cert.Fingerprint.ToSdpValue();

        Assert.StartsWith("sha-256 ", text, StringComparison.Ordinal);
        Assert.Equal(32 * 3 - 1, text.Length - "sha-256 ".Length);
        Assert.True(CertificateFingerprint.TryParse(text, out var parsed));
        Assert.Equal(cert.Fingerprint, parsed);
        Assert.True(CertificateFingerprint.TryParse(text.ToLowerInvariant(), out var lower));
        Assert.Equal(cert.Fingerprint, lower);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("sha-256")]
    [InlineData("sha-256 ZZ:00")]
    [InlineData("sha-256 A")]
    public void MalformedValuesAreRejected(string? value) => Assert.False(CertificateFingerprint.TryParse(value, out _));

    [Fact]
    public void Sha384IsParsedButNeverMatches()
    {
        var cert = DtlsCertificate.Generate();
        Assert.True(CertificateFingerprint.TryParse("sha-384 " + string.Join(':', Enumerable.Repeat("AB", 48)), out var fp));
        Assert.False(fp.IsSha256);
        Assert.False(fp.Matches(cert.Der));
    }
}
