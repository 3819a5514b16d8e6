using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Serverless.WebRtc.Dtls;

/// <summary>The DTLS client side of DTLS-SRTP: offers use_srtp and checks the server's certificate.</summary>
internal sealed class DtlsSrtpClient(DtlsSrtpPeerCore core) : DefaultTlsClient(new BcTlsCrypto(new SecureRandom()))
{
    public DtlsSrtpPeerCore Core { get; } = core;

    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

    protected override int[] GetSupportedCipherSuites() => DtlsSrtpPeerCore.CipherSuites;

    public override void Init(TlsClientContext context)
    {
        base.Init(context);
        Core.Context = context;
    }

    public override int GetHandshakeTimeoutMillis() => Core.HandshakeTimeoutMillis;

    public override int GetHandshakeResendTimeMillis() => Core.ResendMillis;

    public override IDictionary<int, byte[]> GetClientExtensions()
    {
        var extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetClientExtensions());
        TlsSrtpUtilities.AddUseSrtpExtension(extensions, Core.OfferedSrtp());
        return extensions;
    }

    public override void ProcessServerExtensions(IDictionary<int, byte[]> serverExtensions)
    {
        base.ProcessServerExtensions(serverExtensions);
        Core.SelectedProfile = Core.Accept(TlsSrtpUtilities.GetUseSrtpExtension(serverExtensions));
    }

    public override TlsAuthentication GetAuthentication() => new Authentication(this);

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        Core.Export(m_context);
    }

    private sealed class Authentication(DtlsSrtpClient client) : TlsAuthentication
    {
        public void NotifyServerCertificate(TlsServerCertificate serverCertificate) =>
            client.Core.VerifyRemote(serverCertificate.Certificate);

        public TlsCredentials GetClientCredentials(CertificateRequest certificateRequest) =>
            client.Core.Signer(client.m_context, client.Crypto);
    }
}
