using Org.BouncyCastle.Tls;

using Serverless.WebRtc.Srtp;
using SrtpProtectionProfile = Serverless.WebRtc.Srtp.SrtpProtectionProfile;

namespace Serverless.WebRtc.Dtls;

/// <summary>
/// A completed DTLS-SRTP handshake (RFC 5764): the negotiated protection profile and the exported
/// keying material for the SRTP contexts. The DTLS association stays open only to send
/// close_notify on hang-up; media goes over SRTP, not DTLS records.
/// </summary>
internal sealed class DtlsSrtpSession : IDisposable
{
    private readonly DtlsTransport _transport;
    private readonly DtlsPacketChannel _channel;
    private int _closed;

    private DtlsSrtpSession(DtlsRole role, SrtpProtectionProfile profile, byte[] keyingMaterial, CertificateFingerprint remote, DtlsTransport transport, DtlsPacketChannel channel, DtlsSrtpPeerCore core)
    {
        Version = core.NegotiatedVersion;
        CipherSuite = core.NegotiatedCipherSuite;
        Role = role;
        Profile = profile;
        KeyingMaterial = keyingMaterial;
        RemoteFingerprint = remote;
        _transport = transport;
        _channel = channel;
    }

    /// <summary>Our side of the handshake.</summary>
    public DtlsRole Role { get; }

    /// <summary>The negotiated protocol version, e.g. <c>DTLS 1.2</c>.</summary>
    public string? Version { get; }

    /// <summary>The negotiated cipher suite's IANA name, e.g. <c>TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256</c>.</summary>
    public string? CipherSuite { get; }

    /// <summary>The negotiated SRTP protection profile.</summary>
    public SrtpProtectionProfile Profile { get; }

    /// <summary>
    /// <c>EXTRACTOR-dtls_srtp</c> output, laid out client key | server key | client salt | server salt
    /// (RFC 5764 §4.2). The client protects with the client half; the server with the server half.
    /// </summary>
    public byte[] KeyingMaterial { get; }

    /// <summary>The fingerprint of the certificate the peer presented (already verified).</summary>
    public CertificateFingerprint RemoteFingerprint { get; }

    /// <summary>
    /// Runs the handshake on a dedicated thread (BouncyCastle's DTLS engine blocks) and completes with
    /// the keys, or fails with a <see cref="DtlsHandshakeException"/> saying why.
    /// </summary>
    public static Task<DtlsSrtpSession> HandshakeAsync(
        DtlsRole role,
        DtlsCertificate localCertificate,
        CertificateFingerprint expectedRemote,
        DtlsPacketChannel channel,
        DtlsSrtpOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(localCertificate);
        ArgumentNullException.ThrowIfNull(expectedRemote);
        ArgumentNullException.ThrowIfNull(channel);
        if (!expectedRemote.IsSha256)
        {
            throw new ArgumentException("Only sha-256 fingerprints are accepted.", nameof(expectedRemote));
        }

        var core = new DtlsSrtpPeerCore(localCertificate, expectedRemote, options ?? new DtlsSrtpOptions());
        return Task.Factory.StartNew(
            () => Run(role, core, channel, cancellationToken),
            cancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
    }

    private static DtlsSrtpSession Run(DtlsRole role, DtlsSrtpPeerCore core, DtlsPacketChannel channel, CancellationToken cancellationToken)
    {
        using var registration = cancellationToken.Register(channel.Close);
        try
        {
            DtlsTransport transport;
            try
            {
                transport = role == DtlsRole.Client
                    ? new DtlsClientProtocol().Connect(new DtlsSrtpClient(core), channel)
                    : new DtlsServerProtocol().Accept(new DtlsSrtpServer(core), channel);
            }
            finally
            {
                channel.EndHandshake(); // the final flight, or the alert that ends a failed handshake
            }

            return new DtlsSrtpSession(role, core.SelectedProfile!.Value, core.KeyingMaterial!, core.RemoteFingerprint!, transport, channel, core);
        }
        catch (Exception ex) when (ex is TlsException or IOException)
        {
            var classified = Classify(ex, core, cancellationToken);
            // What a failure report needs besides the kind: the alert and how far negotiation got.
            throw new DtlsHandshakeException(classified.Failure, classified.Message, ex)
            {
                Alert = ex switch
                {
                    TlsFatalAlertReceived received => AlertDescription.GetName(received.AlertDescription),
                    TlsFatalAlert sent => AlertDescription.GetName(sent.AlertDescription),
                    _ => null,
                },
                AlertFromRemote = ex switch
                {
                    TlsFatalAlertReceived => true,
                    TlsFatalAlert => false,
                    _ => null,
                },
                Version = core.NegotiatedVersion,
                CipherSuite = core.NegotiatedCipherSuite,
            };
        }
    }

    private static DtlsHandshakeException Classify(Exception ex, DtlsSrtpPeerCore core, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return new DtlsHandshakeException(DtlsFailure.Cancelled, "The DTLS handshake was cancelled.", ex);
        }

        if (core.RemoteFingerprint is not null && ex is TlsFatalAlert { AlertDescription: AlertDescription.bad_certificate })
        {
            return new DtlsHandshakeException(DtlsFailure.FingerprintMismatch, "The peer's DTLS certificate does not match the fingerprint in its SDP.", ex);
        }

        return ex switch
        {
            TlsTimeoutException => new DtlsHandshakeException(DtlsFailure.Timeout, "The DTLS handshake timed out.", ex),
            TlsFatalAlert { AlertDescription: AlertDescription.handshake_failure } when core.SelectedProfile is null
                => new DtlsHandshakeException(DtlsFailure.NoCommonSrtpProfile, "No SRTP protection profile in common.", ex),
            TlsFatalAlertReceived received => new DtlsHandshakeException(DtlsFailure.Protocol, $"The peer sent DTLS alert {AlertDescription.GetText(received.AlertDescription)}.", ex),
            _ => new DtlsHandshakeException(DtlsFailure.Protocol, "The DTLS handshake failed: " + ex.Message, ex),
        };
    }

    /// <summary>Sends close_notify (RFC 5246 §7.2.1) once and releases the channel.</summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        try
        {
            _transport.Close();
        }
        catch (IOException)
        {
            // The socket may already be gone on hang-up; close_notify is best effort.
        }

        _channel.Dispose();
    }

    /// <inheritdoc />
    public void Dispose() => Close();
}
