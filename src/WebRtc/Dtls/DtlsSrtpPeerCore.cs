using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using BcHashAlgorithm = Org.BouncyCastle.Tls.HashAlgorithm;

using Serverless.WebRtc.Srtp;
using SrtpProtectionProfile = Serverless.WebRtc.Srtp.SrtpProtectionProfile;

namespace Serverless.WebRtc.Dtls;

/// <summary>What the DTLS client and server share: certificate, fingerprint check, profiles, results.</summary>
internal sealed class DtlsSrtpPeerCore(DtlsCertificate certificate, CertificateFingerprint expectedRemote, DtlsSrtpOptions options)
{
    // Only ECDHE_ECDSA suites: our certificate is ECDSA, and BouncyCastle's defaults include RSA suites
    // that fail with internal_error(80) when no RSA credentials exist.
    internal static readonly int[] CipherSuites =
    [
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
    ];

    public DtlsSrtpOptions Options { get; } = options;

    public SrtpProtectionProfile? SelectedProfile { get; set; }

    public byte[]? KeyingMaterial { get; private set; }

    public CertificateFingerprint? RemoteFingerprint { get; private set; }

    /// <summary>The handshake's context, set when the client or server is initialised (read for failure reports).</summary>
    public TlsContext? Context { get; set; }

    /// <summary>The negotiated version so far (e.g. <c>DTLS 1.2</c>), or null before the hellos were exchanged.</summary>
    public string? NegotiatedVersion => Context?.SecurityParameters?.NegotiatedVersion?.ToString();

    /// <summary>The negotiated cipher suite (IANA name) so far, or null before the server chose one.</summary>
    public string? NegotiatedCipherSuite =>
        Context?.SecurityParameters is { CipherSuite: var suite and not 0 } ? CipherSuiteName(suite) : null;

    private static string CipherSuiteName(int suite) => suite switch
    {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 => nameof(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256),
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 => nameof(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384),
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 => nameof(CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256),
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256 => nameof(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256),
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA => nameof(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA),
        _ => "0x" + suite.ToString("X4", System.Globalization.CultureInfo.InvariantCulture),
    };

    public int HandshakeTimeoutMillis => (int)Options.HandshakeTimeout.TotalMilliseconds;

    public int ResendMillis => (int)Options.InitialRetransmit.TotalMilliseconds;

    /// <summary>RFC 8122 §5 / RFC 5763 §5: the peer's certificate must hash to the fingerprint in its SDP.</summary>
    public void VerifyRemote(Certificate? remote)
    {
        if (remote is null || remote.IsEmpty)
        {
            throw new TlsFatalAlert(AlertDescription.bad_certificate, "The peer sent no certificate.");
        }

        var der = remote.GetCertificateAt(0).GetEncoded();
        RemoteFingerprint = CertificateFingerprint.FromCertificate(der);
        if (!expectedRemote.Matches(der))
        {
            throw new TlsFatalAlert(AlertDescription.bad_certificate, "The peer's certificate does not match the fingerprint in its SDP.");
        }
    }

    public TlsCredentialedSigner Signer(TlsContext context, TlsCrypto crypto)
    {
        var chain = new Certificate([new BcTlsCertificate((BcTlsCrypto)crypto, certificate.Der)]);
        return new BcDefaultTlsCredentialedSigner(
            new TlsCryptoParameters(context),
            (BcTlsCrypto)crypto,
            (ECPrivateKeyParameters)certificate.PrivateKey,
            chain,
            new SignatureAndHashAlgorithm(BcHashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
    }

    public UseSrtpData OfferedSrtp() =>
        new(Options.Profiles.Select(p => (int)p).ToArray(), TlsUtilities.EmptyBytes);

    /// <summary>Server side: our first preference the client also offered (RFC 5764 §4.1.1).</summary>
    public SrtpProtectionProfile Choose(UseSrtpData? offered)
    {
        if (offered is null)
        {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "The client did not offer use_srtp.");
        }

        foreach (var profile in Options.Profiles)
        {
            if (offered.ProtectionProfiles.Contains((int)profile))
            {
                return profile;
            }
        }

        throw new TlsFatalAlert(AlertDescription.handshake_failure, "No SRTP protection profile in common.");
    }

    /// <summary>Client side: the server must pick exactly one profile we offered.</summary>
    public SrtpProtectionProfile Accept(UseSrtpData? selected)
    {
        if (selected is null || selected.ProtectionProfiles.Length != 1
            || !Options.Profiles.Contains((SrtpProtectionProfile)selected.ProtectionProfiles[0]))
        {
            throw new TlsFatalAlert(AlertDescription.illegal_parameter, "The server selected no SRTP profile we offered.");
        }

        return (SrtpProtectionProfile)selected.ProtectionProfiles[0];
    }

    public void Export(TlsContext context)
    {
        var profile = SelectedProfile ?? throw new TlsFatalAlert(AlertDescription.internal_error, "No SRTP profile negotiated.");
        KeyingMaterial = context.ExportKeyingMaterial(ExporterLabel.dtls_srtp, null, profile.GetExporterLength());
    }
}
