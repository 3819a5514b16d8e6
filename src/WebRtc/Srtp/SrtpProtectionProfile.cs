namespace Serverless.WebRtc.Srtp;

/// <summary>
/// SRTP protection profiles negotiated by the DTLS <c>use_srtp</c> extension, valued with their
/// IANA "DTLS-SRTP Protection Profiles" identifiers (RFC 5764 §4.1.2, RFC 7714 §14.2).
/// </summary>
public enum SrtpProtectionProfile
{
    /// <summary>SRTP_AES128_CM_HMAC_SHA1_80: AES-128 counter mode, HMAC-SHA1 with an 80-bit tag (RFC 3711, RFC 5764 §4.1.2).</summary>
    Aes128CmHmacSha1Tag80 = 0x0001,

    /// <summary>SRTP_AES128_CM_HMAC_SHA1_32: AES-128 counter mode, HMAC-SHA1 with a 32-bit SRTP tag (SRTCP keeps 80 bits, RFC 5764 §4.1.2).</summary>
    Aes128CmHmacSha1Tag32 = 0x0002,

    /// <summary>SRTP_AEAD_AES_128_GCM: AES-128-GCM AEAD with a 16-byte tag (RFC 7714).</summary>
    AeadAes128Gcm = 0x0007,

    /// <summary>SRTP_AEAD_AES_256_GCM: AES-256-GCM AEAD with a 16-byte tag (RFC 7714).</summary>
    AeadAes256Gcm = 0x0008,
}
