using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Serverless.WebRtc.Srtp;

/// <summary>AEAD_AES_128_GCM and AEAD_AES_256_GCM for SRTP and SRTCP (RFC 7714).</summary>
internal sealed class AesGcmCipher : SrtpCipher
{
    private const int TagLength = 16;
    private const int NonceLength = 12;

    /// <summary>Unencrypted SRTCP (E = 0) is authenticated as AAD; above this it is staged in a pooled buffer.</summary>
    private const int StackAadLimit = 1024;

    private readonly AesGcm _gcm;
    private readonly byte[] _salt;

    public AesGcmCipher(SrtpSessionKeys keys)
    {
        _gcm = new AesGcm(keys.EncryptionKey, TagLength);
        _salt = (byte[])keys.Salt.Clone();
    }

    public override int RtpTagLength => TagLength;

    public override int RtcpTagLength => TagLength;

    public override void EncryptRtp(Span<byte> packet, int headerLength, uint ssrc, ulong index, Span<byte> tag)
    {
        Span<byte> nonce = stackalloc byte[NonceLength];
        BuildRtpNonce(nonce, ssrc, index);
        Span<byte> payload = packet[headerLength..];

        // RFC 7714 §8.2: the whole RTP header (CSRCs and extension included) is the AAD.
        _gcm.Encrypt(nonce, payload, payload, tag, packet[..headerLength]);
    }

    public override bool DecryptRtp(Span<byte> packet, int headerLength, ReadOnlySpan<byte> tag, uint ssrc, ulong index)
    {
        Span<byte> nonce = stackalloc byte[NonceLength];
        BuildRtpNonce(nonce, ssrc, index);
        Span<byte> payload = packet[headerLength..];
        return TryDecrypt(nonce, payload, tag, packet[..headerLength]);
    }

    public override int EncryptRtcp(Span<byte> buffer, int length, uint ssrc, uint index)
    {
        uint flagAndIndex = RtcpEncryptedFlag | index;
        Span<byte> nonce = stackalloc byte[NonceLength];
        BuildRtcpNonce(nonce, ssrc, index);

        // RFC 7714 §9.2 (encrypted SRTCP): AAD = first 8 octets || E + SRTCP index.
        Span<byte> aad = stackalloc byte[RtpHeaderReader.RtcpFixedHeaderLength + 4];
        buffer[..RtpHeaderReader.RtcpFixedHeaderLength].CopyTo(aad);
        BinaryPrimitives.WriteUInt32BigEndian(aad[RtpHeaderReader.RtcpFixedHeaderLength..], flagAndIndex);

        Span<byte> payload = buffer[RtpHeaderReader.RtcpFixedHeaderLength..length];
        _gcm.Encrypt(nonce, payload, payload, buffer.Slice(length, TagLength), aad);
        BinaryPrimitives.WriteUInt32BigEndian(buffer[(length + TagLength)..], flagAndIndex);
        return length + TagLength + 4;
    }

    public override int GetRtcpIndexOffset(int protectedLength) => protectedLength - 4;

    public override bool DecryptRtcp(Span<byte> buffer, int protectedLength, uint ssrc, uint flagAndIndex)
    {
        Span<byte> nonce = stackalloc byte[NonceLength];
        BuildRtcpNonce(nonce, ssrc, flagAndIndex & ~RtcpEncryptedFlag);
        int bodyEnd = protectedLength - TagLength - 4;
        ReadOnlySpan<byte> tag = buffer.Slice(bodyEnd, TagLength);

        if ((flagAndIndex & RtcpEncryptedFlag) != 0)
        {
            Span<byte> aad = stackalloc byte[RtpHeaderReader.RtcpFixedHeaderLength + 4];
            buffer[..RtpHeaderReader.RtcpFixedHeaderLength].CopyTo(aad);
            BinaryPrimitives.WriteUInt32BigEndian(aad[RtpHeaderReader.RtcpFixedHeaderLength..], flagAndIndex);
            return TryDecrypt(nonce, buffer[RtpHeaderReader.RtcpFixedHeaderLength..bodyEnd], tag, aad);
        }

        // RFC 7714 §9.3 (unencrypted SRTCP): with E = 0 the whole RTCP packet and the E/index word are AAD, no plaintext.
        int aadLength = bodyEnd + 4;
        byte[]? rented = null;
        Span<byte> stagedAad = aadLength <= StackAadLimit
            ? stackalloc byte[aadLength]
            : (rented = ArrayPool<byte>.Shared.Rent(aadLength)).AsSpan(0, aadLength);
        try
        {
            buffer[..bodyEnd].CopyTo(stagedAad);
            BinaryPrimitives.WriteUInt32BigEndian(stagedAad[bodyEnd..], flagAndIndex);
            return TryDecrypt(nonce, Span<byte>.Empty, tag, stagedAad);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public override void Dispose()
    {
        _gcm.Dispose();
        CryptographicOperations.ZeroMemory(_salt);
    }

    private bool TryDecrypt(ReadOnlySpan<byte> nonce, Span<byte> data, ReadOnlySpan<byte> tag, ReadOnlySpan<byte> aad)
    {
        try
        {
            _gcm.Decrypt(nonce, data, tag, data, aad);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            // Forged or corrupted packet: a normal outcome for a receiver, reported as a result.
            return false;
        }
    }

    /// <summary>RFC 7714 §8.1: IV = (00 00 || SSRC || ROC || SEQ) XOR salt.</summary>
    private void BuildRtpNonce(Span<byte> nonce, uint ssrc, ulong index)
    {
        nonce.Clear();
        BinaryPrimitives.WriteUInt32BigEndian(nonce[2..], ssrc);
        BinaryPrimitives.WriteUInt32BigEndian(nonce[6..], (uint)(index >> 16));
        BinaryPrimitives.WriteUInt16BigEndian(nonce[10..], (ushort)index);
        XorSalt(nonce);
    }

    /// <summary>RFC 7714 §9.1: IV = (00 00 || SSRC || 00 00 || 0 + SRTCP index) XOR salt.</summary>
    private void BuildRtcpNonce(Span<byte> nonce, uint ssrc, uint index)
    {
        nonce.Clear();
        BinaryPrimitives.WriteUInt32BigEndian(nonce[2..], ssrc);
        BinaryPrimitives.WriteUInt32BigEndian(nonce[8..], index);
        XorSalt(nonce);
    }

    private void XorSalt(Span<byte> nonce)
    {
        for (int i = 0; i < NonceLength; i++)
        {
            nonce[i] ^= _salt[i];
        }
    }
}
