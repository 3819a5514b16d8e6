using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace Serverless.WebRtc.Dtls;

/// <summary>
/// A self-signed ECDSA P-256 certificate for DTLS (RFC 8827 §6.5: WebRTC endpoints authenticate by the
/// fingerprint in SDP, not by a CA). ECDSA because that is what browsers and Meta negotiate
/// (TLS_ECDHE_ECDSA_*), and it keeps handshakes small.
/// </summary>
internal sealed class DtlsCertificate
{
    private DtlsCertificate(byte[] der, AsymmetricKeyParameter privateKey)
    {
        Der = der;
        PrivateKey = privateKey;
        Fingerprint = CertificateFingerprint.FromCertificate(der);
    }

    /// <summary>The DER-encoded X.509 certificate.</summary>
    public byte[] Der { get; }

    /// <summary>Its sha-256 fingerprint, as advertised in <c>a=fingerprint</c>.</summary>
    public CertificateFingerprint Fingerprint { get; }

    internal AsymmetricKeyParameter PrivateKey { get; }

    /// <summary>Generates a fresh key pair and certificate valid from yesterday for <paramref name="lifetime"/> (default 30 days).</summary>
    public static DtlsCertificate Generate(TimeProvider? time = null, TimeSpan? lifetime = null)
    {
        var random = new SecureRandom();
        var generator = new ECKeyPairGenerator();
        generator.Init(new ECKeyGenerationParameters(SecObjectIdentifiers.SecP256r1, random));
        var keys = generator.GenerateKeyPair();

        var now = (time ?? TimeProvider.System).GetUtcNow().UtcDateTime;
        var name = new X509Name("CN=WebRTC");
        var builder = new X509V3CertificateGenerator();
        builder.SetSerialNumber(BigInteger.ProbablePrime(64, random));
        builder.SetIssuerDN(name);
        builder.SetSubjectDN(name);
        builder.SetNotBefore(now.AddDays(-1));
        builder.SetNotAfter(now.Add(lifetime ?? TimeSpan.FromDays(30)));
        builder.SetPublicKey(keys.Public);
        var certificate = builder.Generate(new Asn1SignatureFactory("SHA256WITHECDSA", keys.Private, random));
        return new DtlsCertificate(certificate.GetEncoded(), keys.Private);
    }
}
