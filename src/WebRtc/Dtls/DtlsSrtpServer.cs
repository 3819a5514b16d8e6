using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using BcHashAlgorithm = Org.BouncyCastle.Tls.HashAlgorithm;

namespace Serverless.WebRtc.Dtls;

/// <summary>The DTLS server side of DTLS-SRTP: requires and checks the client's certificate.</summary>
internal sealed class DtlsSrtpServer(DtlsSrtpPeerCore core) : DefaultTlsServer(new BcTlsCrypto(new SecureRandom()))
{
    public DtlsSrtpPeerCore Core { get; } = core;

    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

    protected override int[] GetSupportedCipherSuites() => DtlsSrtpPeerCore.CipherSuites;

    public override void Init(TlsServerContext context)
    {
        base.Init(context);
        Core.Context = context;
    }

    public override int GetHandshakeTimeoutMillis() => Core.HandshakeTimeoutMillis;

    public override int GetHandshakeResendTimeMillis() => Core.ResendMillis;

    // WebRTC is mutually authenticated (RFC 8827 §6.5): ask for the client's certificate.
    public override CertificateRequest GetCertificateRequest() => new(
        [ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign],
        [
            new SignatureAndHashAlgorithm(BcHashAlgorithm.sha256, SignatureAlgorithm.ecdsa),
            new SignatureAndHashAlgorithm(BcHashAlgorithm.sha256, SignatureAlgorithm.rsa),
            new SignatureAndHashAlgorithm(BcHashAlgorithm.sha384, SignatureAlgorithm.ecdsa),
            SignatureAndHashAlgorithm.rsa_pss_rsae_sha256,
        ],
        null);

    public override void NotifyClientCertificate(Certificate clientCertificate) => Core.VerifyRemote(clientCertificate);

    protected override TlsCredentialedSigner GetECDsaSignerCredentials() => Core.Signer(m_context, Crypto);

    public override void ProcessClientExtensions(IDictionary<int, byte[]> clientExtensions)
    {
        base.ProcessClientExtensions(clientExtensions);
        Core.SelectedProfile = Core.Choose(TlsSrtpUtilities.GetUseSrtpExtension(clientExtensions));
    }

    public override IDictionary<int, byte[]> GetServerExtensions()
    {
        var extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetServerExtensions());
        var profile = Core.SelectedProfile ?? throw new TlsFatalAlert(AlertDescription.internal_error);
        TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData([(int)profile], TlsUtilities.EmptyBytes));
        return extensions;
    }

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        Core.Export(m_context);
    }
}
