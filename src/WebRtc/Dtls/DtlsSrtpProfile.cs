namespace Serverless.WebRtc.Dtls;

/// <summary>DTLS-SRTP protection profiles (RFC 5764 §4.1.2, RFC 7714 §14), valued as their IANA ids.</summary>
public enum DtlsSrtpProfile
{
    /// <summary>SRTP_AES128_CM_HMAC_SHA1_80.</summary>
    Aes128CmHmacSha1Tag80 = 0x0001,

    /// <summary>SRTP_AES128_CM_HMAC_SHA1_32.</summary>
    Aes128CmHmacSha1Tag32 = 0x0002,

    /// <summary>SRTP_AEAD_AES_128_GCM.</summary>
    AeadAes128Gcm = 0x0007,

    /// <summary>SRTP_AEAD_AES_256_GCM.</summary>
    AeadAes256Gcm = 0x0008,
}

/// <summary>Key material sizes of each profile.</summary>
public static class DtlsSrtpProfileExtensions
{
    /// <summary>Bytes of keying material to export: 2 × (master key + master salt), RFC 5764 §4.2.</summary>
    public static int KeyingMaterialLength(this DtlsSrtpProfile profile) => profile switch
    {
        DtlsSrtpProfile.Aes128CmHmacSha1Tag80 or DtlsSrtpProfile.Aes128CmHmacSha1Tag32 => 2 * (16 + 14),
        DtlsSrtpProfile.AeadAes128Gcm => 2 * (16 + 12),
        DtlsSrtpProfile.AeadAes256Gcm => 2 * (32 + 12),
        _ => throw new ArgumentOutOfRangeException(nameof(profile), profile, "Unknown DTLS-SRTP profile."),
    };
}
