using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Serverless.WebRtc.Srtp;

/// <summary>AES_CM_128 encryption with HMAC-SHA1 authentication (RFC 3711 §4.1.1, §4.2.1).</summary>
internal sealed class AesCmHmacSha1Cipher : SrtpCipher
{
    private const int Sha1Length = 20;
    private const int RtcpHmacTagLength = 10;

    private readonly AesCounterMode _aesCtr;
    private readonly IncrementalHash _hmac;
    private readonly byte[] _salt;
    private readonly int _rtpTagLength;

    public AesCmHmacSha1Cipher(SrtpProtectionProfile profile, SrtpSessionKeys keys)
    {
        _aesCtr = new AesCounterMode(keys.EncryptionKey);
        _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, keys.AuthenticationKey);
        _salt = (byte[])keys.Salt.Clone();
        _rtpTagLength = profile.GetRtpTagLength();
    }

    public override int RtpTagLength => _rtpTagLength;

    public override int RtcpTagLength => RtcpHmacTagLength;

    public override void EncryptRtp(Span<byte> packet, int headerLength, uint ssrc, ulong index, Span<byte> tag)
    {
        ApplyKeystream(packet[headerLength..], ssrc, index);
        Span<byte> mac = stackalloc byte[Sha1Length];
        ComputeRtpMac(packet, (uint)(index >> 16), mac);
        mac[..tag.Length].CopyTo(tag);
    }

    public override bool DecryptRtp(Span<byte> packet, int headerLength, ReadOnlySpan<byte> tag, uint ssrc, ulong index)
    {
        Span<byte> mac = stackalloc byte[Sha1Length];
        ComputeRtpMac(packet, (uint)(index >> 16), mac);
        if (!CryptographicOperations.FixedTimeEquals(mac[..tag.Length], tag))
        {
            return false;
        }

        ApplyKeystream(packet[headerLength..], ssrc, index);
        return true;
    }

    public override int EncryptRtcp(Span<byte> buffer, int length, uint ssrc, uint index)
    {
        ApplyKeystream(buffer[RtpHeaderReader.RtcpFixedHeaderLength..length], ssrc, index);
        BinaryPrimitives.WriteUInt32BigEndian(buffer[length..], RtcpEncryptedFlag | index);
        int authenticated = length + 4;

        // RFC 3711 §3.4: the tag covers the header, the encrypted part and the E/index word.
        Span<byte> mac = stackalloc byte[Sha1Length];
        _hmac.AppendData(buffer[..authenticated]);
        _hmac.GetHashAndReset(mac);
        mac[..RtcpHmacTagLength].CopyTo(buffer[authenticated..]);
        return authenticated + RtcpHmacTagLength;
    }

    public override int GetRtcpIndexOffset(int protectedLength) => protectedLength - RtcpHmacTagLength - 4;

    public override bool DecryptRtcp(Span<byte> buffer, int protectedLength, uint ssrc, uint flagAndIndex)
    {
        int authenticated = protectedLength - RtcpHmacTagLength;
        Span<byte> mac = stackalloc byte[Sha1Length];
        _hmac.AppendData(buffer[..authenticated]);
        _hmac.GetHashAndReset(mac);
        if (!CryptographicOperations.FixedTimeEquals(mac[..RtcpHmacTagLength], buffer.Slice(authenticated, RtcpHmacTagLength)))
        {
            return false;
        }

        if ((flagAndIndex & RtcpEncryptedFlag) != 0)
        {
            ApplyKeystream(buffer[RtpHeaderReader.RtcpFixedHeaderLength..(authenticated - 4)], ssrc, flagAndIndex & ~RtcpEncryptedFlag);
        }

        return true;
    }

    public override void Dispose()
    {
        _aesCtr.Dispose();
        _hmac.Dispose();
        CryptographicOperations.ZeroMemory(_salt);
    }

    /// <summary>RFC 3711 §4.2: tag = HMAC-SHA1(auth_key, authenticated portion || ROC).</summary>
    private void ComputeRtpMac(ReadOnlySpan<byte> packet, uint rolloverCounter, Span<byte> mac)
    {
        Span<byte> roc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(roc, rolloverCounter);
        _hmac.AppendData(packet);
        _hmac.AppendData(roc);
        _hmac.GetHashAndReset(mac);
    }

    /// <summary>
    /// RFC 3711 §4.1.1: IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16); the SRTCP index takes the
    /// place of i for SRTCP.
    /// </summary>
    private void ApplyKeystream(Span<byte> data, uint ssrc, ulong index)
    {
        Span<byte> iv = stackalloc byte[AesCounterMode.BlockLength];
        iv.Clear();
        _salt.CopyTo(iv);
        Span<byte> word = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(word, ssrc);
        for (int i = 0; i < 4; i++)
        {
            iv[4 + i] ^= word[i];
        }

        // 48-bit index into bytes 8..13 (bits 16..63 of the IV).
        BinaryPrimitives.WriteUInt64BigEndian(word, index << 16);
        for (int i = 0; i < 6; i++)
        {
            iv[8 + i] ^= word[i];
        }

        _aesCtr.Apply(iv, data);
    }
}
