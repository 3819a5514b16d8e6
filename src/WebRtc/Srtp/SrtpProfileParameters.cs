namespace Serverless.WebRtc.Srtp;

/// <summary>Transform parameters of each <see cref="SrtpProtectionProfile"/>.</summary>
internal static class SrtpProfileParameters
{
    /// <summary>Master and session encryption key length in bytes.</summary>
    public static int GetKeyLength(this SrtpProtectionProfile profile) => profile switch
    {
        SrtpProtectionProfile.Aes128CmHmacSha1Tag80 or SrtpProtectionProfile.Aes128CmHmacSha1Tag32 => 16,
        SrtpProtectionProfile.AeadAes128Gcm => 16,
        SrtpProtectionProfile.AeadAes256Gcm => 32,
        _ => throw Unsupported(profile),
    };

    /// <summary>
    /// Master and session salt length in bytes: 112 bits for AES-CM (RFC 3711 §8.2),
    /// 96 bits for AES-GCM (RFC 7714 §14.2).
    /// </summary>
    public static int GetSaltLength(this SrtpProtectionProfile profile) => profile switch
    {
        SrtpProtectionProfile.Aes128CmHmacSha1Tag80 or SrtpProtectionProfile.Aes128CmHmacSha1Tag32 => 14,
        SrtpProtectionProfile.AeadAes128Gcm or SrtpProtectionProfile.AeadAes256Gcm => 12,
        _ => throw Unsupported(profile),
    };

    /// <summary>Session authentication key length in bytes (160-bit HMAC-SHA1 key; none for AEAD).</summary>
    public static int GetAuthKeyLength(this SrtpProtectionProfile profile) => profile switch
    {
        SrtpProtectionProfile.Aes128CmHmacSha1Tag80 or SrtpProtectionProfile.Aes128CmHmacSha1Tag32 => 20,
        SrtpProtectionProfile.AeadAes128Gcm or SrtpProtectionProfile.AeadAes256Gcm => 0,
        _ => throw Unsupported(profile),
    };

    /// <summary>Authentication tag appended to each SRTP packet, in bytes.</summary>
    public static int GetRtpTagLength(this SrtpProtectionProfile profile) => profile switch
    {
        SrtpProtectionProfile.Aes128CmHmacSha1Tag80 => 10,
        SrtpProtectionProfile.Aes128CmHmacSha1Tag32 => 4,
        SrtpProtectionProfile.AeadAes128Gcm or SrtpProtectionProfile.AeadAes256Gcm => 16,
        _ => throw Unsupported(profile),
    };

    /// <summary>
    /// Authentication tag of each SRTCP packet, in bytes. SRTP_AES128_CM_HMAC_SHA1_32 still uses an
    /// 80-bit SRTCP tag (RFC 5764 §4.1.2).
    /// </summary>
    public static int GetRtcpTagLength(this SrtpProtectionProfile profile) => profile switch
    {
        SrtpProtectionProfile.Aes128CmHmacSha1Tag80 or SrtpProtectionProfile.Aes128CmHmacSha1Tag32 => 10,
        SrtpProtectionProfile.AeadAes128Gcm or SrtpProtectionProfile.AeadAes256Gcm => 16,
        _ => throw Unsupported(profile),
    };

    /// <summary>Bytes SRTCP adds to an RTCP packet: the tag plus the 4-byte E-flag/index word (RFC 3711 §3.4).</summary>
    public static int GetRtcpOverhead(this SrtpProtectionProfile profile) => profile.GetRtcpTagLength() + 4;

    /// <summary>True for the AES-GCM AEAD profiles of RFC 7714.</summary>
    public static bool IsAead(this SrtpProtectionProfile profile) => profile switch
    {
        SrtpProtectionProfile.Aes128CmHmacSha1Tag80 or SrtpProtectionProfile.Aes128CmHmacSha1Tag32 => false,
        SrtpProtectionProfile.AeadAes128Gcm or SrtpProtectionProfile.AeadAes256Gcm => true,
        _ => throw Unsupported(profile),
    };

    /// <summary>True when the profile is one this implementation supports.</summary>
    public static bool IsSupported(this SrtpProtectionProfile profile) => profile is
        SrtpProtectionProfile.Aes128CmHmacSha1Tag80 or SrtpProtectionProfile.Aes128CmHmacSha1Tag32 or
        SrtpProtectionProfile.AeadAes128Gcm or SrtpProtectionProfile.AeadAes256Gcm;

    /// <summary>
    /// Length of the DTLS exporter output for this profile: 2 * (key + salt) (RFC 5764 §4.2):
    /// 60 bytes for AES-CM 128, 56 for AES-128-GCM, 88 for AES-256-GCM.
    /// </summary>
    public static int GetExporterLength(this SrtpProtectionProfile profile) =>
        2 * (profile.GetKeyLength() + profile.GetSaltLength());

    private static ArgumentOutOfRangeException Unsupported(SrtpProtectionProfile profile) =>
        new(nameof(profile), profile, "Unsupported SRTP protection profile.");
}
