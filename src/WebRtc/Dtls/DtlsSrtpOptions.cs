namespace Serverless.WebRtc.Dtls;

/// <summary>How a DTLS-SRTP handshake is run (RFC 5763/5764).</summary>
public sealed class DtlsSrtpOptions
{
    /// <summary>
    /// use_srtp protection profiles in preference order (IANA "DTLS-SRTP Protection Profiles" values).
    /// GCM first: cheaper per packet and authenticated encryption; AES-CM-80 is what every WebRTC stack supports.
    /// </summary>
    public IReadOnlyList<DtlsSrtpProfile> Profiles { get; init; } =
        [DtlsSrtpProfile.AeadAes128Gcm, DtlsSrtpProfile.Aes128CmHmacSha1Tag80];

    /// <summary>The whole handshake must finish within this time or it fails.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>First retransmission timer (RFC 6347 §4.2.4.1 suggests 1 s; it doubles on each loss).</summary>
    public TimeSpan InitialRetransmit { get; init; } = TimeSpan.FromSeconds(1);
}
