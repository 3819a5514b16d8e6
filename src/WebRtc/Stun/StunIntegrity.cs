using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Serverless.WebRtc.Stun;

/// <summary>
/// MESSAGE-INTEGRITY(-SHA256) and FINGERPRINT arithmetic shared by reader and writer
/// (RFC 8489 §14.5-§14.7).
/// </summary>
internal static class StunIntegrity
{
    /// <summary>HMAC-SHA1 output, the MESSAGE-INTEGRITY value length.</summary>
    public const int Sha1Length = 20;

    /// <summary>Full HMAC-SHA256 output; MESSAGE-INTEGRITY-SHA256 may truncate to 16..32 bytes, multiple of 4.</summary>
    public const int Sha256Length = 32;

    /// <summary>Shortest permitted MESSAGE-INTEGRITY-SHA256 value (RFC 8489 §14.6).</summary>
    public const int Sha256MinLength = 16;

    /// <summary>The CRC is XORed with "STUN" so it differs from other CRCs in the same packet (RFC 8489 §14.7).</summary>
    public const uint FingerprintXor = 0x5354554E;

    // Messages up to this size are verified from a stack copy; larger ones borrow a pooled array.
    private const int StackCopyLimit = 1024;

    public enum Algorithm
    {
        Sha1,
        Sha256,
    }

    /// <summary>
    /// Checks an HMAC attribute at <paramref name="attributeOffset"/>: the MAC covers the message up
    /// to the attribute, with the header length field set as if the attribute were the last one
    /// (RFC 8489 §14.5, §14.6). The input is read-only, so the prefix is copied and patched.
    /// </summary>
    public static bool VerifyHmac(Algorithm algorithm, ReadOnlySpan<byte> key, ReadOnlySpan<byte> message, int attributeOffset, ReadOnlySpan<byte> expected)
    {
        byte[]? rented = null;
        Span<byte> scratch = attributeOffset <= StackCopyLimit
            ? stackalloc byte[StackCopyLimit]
            : (rented = ArrayPool<byte>.Shared.Rent(attributeOffset));
        try
        {
            Span<byte> prefix = scratch[..attributeOffset];
            message[..attributeOffset].CopyTo(prefix);
            BinaryPrimitives.WriteUInt16BigEndian(prefix[2..], AdjustedLength(attributeOffset, expected.Length));

            Span<byte> mac = stackalloc byte[Sha256Length];
            int macLength = ComputeHmac(algorithm, key, prefix, mac);
            return expected.Length <= macLength && CryptographicOperations.FixedTimeEquals(mac[..expected.Length], expected);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>The header length value that makes an attribute of <paramref name="valueLength"/> at <paramref name="attributeOffset"/> the last one.</summary>
    public static ushort AdjustedLength(int attributeOffset, int valueLength) =>
        (ushort)(attributeOffset + StunMessage.AttributeHeaderLength + valueLength - StunMessage.HeaderLength);

#pragma warning disable CA5350 // HMAC-SHA1 is what RFC 8489 §14.5 mandates for MESSAGE-INTEGRITY; ICE peers require it.
    public static int ComputeHmac(Algorithm algorithm, ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, Span<byte> destination) =>
        algorithm == Algorithm.Sha1
            ? HMACSHA1.HashData(key, data, destination)
            : HMACSHA256.HashData(key, data, destination);
#pragma warning restore CA5350

    /// <summary>FINGERPRINT value over everything before the attribute (RFC 8489 §14.7).</summary>
    public static uint ComputeFingerprint(ReadOnlySpan<byte> prefix) => Crc32.Compute(prefix) ^ FingerprintXor;
}
