using System.Buffers.Binary;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;

namespace Serverless.WebRtc.Srtp;

/// <summary>
/// AES in counter mode (RFC 3711 §4.1.1): keystream block j is AES_k(IV + j), the 128-bit IV
/// incremented as one integer. Built on ECB encryption of counter blocks, which .NET runs on AES-NI.
/// Not thread-safe: the caller owns the <see cref="Aes"/> instance exclusively.
/// </summary>
internal static class AesCounterMode
{
    /// <summary>Counter blocks encrypted per ECB call; bounds the stack use to 2 x 512 bytes.</summary>
    private const int ChunkLength = 512;

    public const int BlockLength = 16;

    /// <summary>XORs the keystream that starts at <paramref name="iv"/> into <paramref name="data"/>.</summary>
    public static void Apply(Aes aes, ReadOnlySpan<byte> iv, Span<byte> data)
    {
        UInt128 counter = BinaryPrimitives.ReadUInt128BigEndian(iv);
        Span<byte> counterBlocks = stackalloc byte[ChunkLength];
        Span<byte> keystream = stackalloc byte[ChunkLength];

        while (!data.IsEmpty)
        {
            int chunk = Math.Min(ChunkLength, data.Length);
            int blocksLength = (chunk + BlockLength - 1) & ~(BlockLength - 1);
            for (int offset = 0; offset < blocksLength; offset += BlockLength)
            {
                BinaryPrimitives.WriteUInt128BigEndian(counterBlocks[offset..], counter);
                counter++;
            }

            aes.EncryptEcb(counterBlocks[..blocksLength], keystream, PaddingMode.None);
            Xor(data[..chunk], keystream);
            data = data[chunk..];
        }
    }

    /// <summary>data ^= keystream, over data.Length bytes (keystream is at least as long).</summary>
    private static void Xor(Span<byte> data, ReadOnlySpan<byte> keystream)
    {
        int i = 0;
        for (; i + 16 <= data.Length; i += 16)
        {
            Vector128<byte> mixed = Vector128.Create(data[i..]) ^ Vector128.Create(keystream[i..]);
            mixed.CopyTo(data[i..]);
        }

        for (; i < data.Length; i++)
        {
            data[i] ^= keystream[i];
        }
    }
}
