using System.Buffers.Binary;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;

namespace Serverless.WebRtc.Srtp;

/// <summary>
/// AES in counter mode (RFC 3711 §4.1.1): keystream block j is AES_k(IV + j), the 128-bit IV
/// incremented as one integer. Built on one reused ECB encryptor (AES-NI backed) and reused scratch
/// arrays: the one-shot <c>Aes.EncryptEcb</c> sets up a native cipher and allocates on every call.
/// Not thread-safe: the owner calls it under its lock.
/// </summary>
internal sealed class AesCounterMode : IDisposable
{
    public const int BlockLength = 16;

    /// <summary>Counter blocks encrypted per transform call; one RTP packet fits in two chunks.</summary>
    private const int ChunkLength = 1024;

    private readonly Aes _aes;
    private readonly ICryptoTransform _encryptor;
    private readonly byte[] _counterBlocks = new byte[ChunkLength];
    private readonly byte[] _keystream = new byte[ChunkLength];

    public AesCounterMode(ReadOnlySpan<byte> key)
    {
        _aes = Aes.Create();
        _aes.Key = key.ToArray();
        _aes.Mode = CipherMode.ECB;
        _aes.Padding = PaddingMode.None;
        _encryptor = _aes.CreateEncryptor();
    }

    /// <summary>XORs the keystream that starts at <paramref name="iv"/> into <paramref name="data"/>.</summary>
    public void Apply(ReadOnlySpan<byte> iv, Span<byte> data)
    {
        UInt128 counter = BinaryPrimitives.ReadUInt128BigEndian(iv);
        while (!data.IsEmpty)
        {
            int chunk = Math.Min(ChunkLength, data.Length);
            int blocksLength = (chunk + BlockLength - 1) & ~(BlockLength - 1);
            for (int offset = 0; offset < blocksLength; offset += BlockLength)
            {
                BinaryPrimitives.WriteUInt128BigEndian(_counterBlocks.AsSpan(offset), counter);
                counter++;
            }

            _encryptor.TransformBlock(_counterBlocks, 0, blocksLength, _keystream, 0);
            Xor(data[..chunk], _keystream);
            data = data[chunk..];
        }
    }

    public void Dispose()
    {
        _encryptor.Dispose();
        _aes.Dispose();
        CryptographicOperations.ZeroMemory(_keystream);
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
