using Serverless.WebRtc.Srtp;

namespace Serverless.WebRtc.Dtls;

/// <summary>How a DTLS-SRTP handshake is run (RFC 5763/5764).</summary>
internal sealed class DtlsSrtpOptions
{
    /// <summary>
    /// use_srtp protection profiles in preference order (IANA "DTLS-SRTP Protection Profiles" values).
    /// AES-CM-80 first: every WebRTC stack has it, it costs the same as GCM here (docs/performance.md),
    /// and .NET's AesGcm rejects a forged packet by throwing, which makes a flood of them expensive.
    /// </summary>
    public IReadOnlyList<SrtpProtectionProfile> Profiles { get; init; } =
        [SrtpProtectionProfile.Aes128CmHmacSha1Tag80, SrtpProtectionProfile.AeadAes128Gcm];

    /// <summary>The whole handshake must finish within this time or it fails.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>First retransmission timer (RFC 6347 §4.2.4.1 suggests 1 s; it doubles on each loss).</summary>
    public TimeSpan InitialRetransmit { get; init; } = TimeSpan.FromSeconds(1);
}
