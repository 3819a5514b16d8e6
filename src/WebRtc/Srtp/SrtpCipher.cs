namespace Serverless.WebRtc.Srtp;

/// <summary>
/// One cipher suite with one set of session keys (SRTP or SRTCP, one direction). It only transforms
/// bytes for a given SSRC and index; replay and rollover state live in <see cref="SrtpContext"/>.
/// Not thread-safe: the context calls each instance under its own lock.
/// <code>
/// SRTP (all profiles):    | RTP header | payload (encrypted)                | tag |
/// SRTCP, AES-CM + HMAC:   | 8-byte hdr | rest (encrypted) | E+index (4)      | tag (10) |   RFC 3711 §3.4
/// SRTCP, AES-GCM:         | 8-byte hdr | rest (encrypted) | tag (16)  | E+index (4) |      RFC 7714 §9.2
/// </code>
/// </summary>
internal abstract class SrtpCipher : IDisposable
{
    /// <summary>Set in the SRTCP index word when the payload is encrypted (RFC 3711 §3.4).</summary>
    public const uint RtcpEncryptedFlag = 0x8000_0000;

    public abstract int RtpTagLength { get; }

    public abstract int RtcpTagLength { get; }

    /// <summary>Bytes SRTCP appends: tag plus the E/index word.</summary>
    public int RtcpOverhead => RtcpTagLength + 4;

    public static SrtpCipher Create(SrtpProtectionProfile profile, SrtpSessionKeys keys) =>
        profile.IsAead() ? new AesGcmCipher(keys) : new AesCmHmacSha1Cipher(profile, keys);

    /// <summary>Encrypts packet[headerLength..] in place and writes the tag (RFC 3711 §3.3, RFC 7714 §8).</summary>
    public abstract void EncryptRtp(Span<byte> packet, int headerLength, uint ssrc, ulong index, Span<byte> tag);

    /// <summary>
    /// Verifies the tag, then decrypts packet[headerLength..] in place. Returns false without
    /// decrypting when authentication fails (payload bytes are then unspecified for AEAD).
    /// </summary>
    public abstract bool DecryptRtp(Span<byte> packet, int headerLength, ReadOnlySpan<byte> tag, uint ssrc, ulong index);

    /// <summary>Protects buffer[..length] in place with E = 1; returns the SRTCP length.</summary>
    public abstract int EncryptRtcp(Span<byte> buffer, int length, uint ssrc, uint index);

    /// <summary>Offset of the E/index word inside an SRTCP packet of <paramref name="protectedLength"/> bytes.</summary>
    public abstract int GetRtcpIndexOffset(int protectedLength);

    /// <summary>Verifies and (when E is set) decrypts an SRTCP packet in place.</summary>
    public abstract bool DecryptRtcp(Span<byte> buffer, int protectedLength, uint ssrc, uint flagAndIndex);

    public abstract void Dispose();
}
