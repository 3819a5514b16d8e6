using System.Buffers.Binary;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using X86Aes = System.Runtime.Intrinsics.X86.Aes;

namespace Serverless.WebRtc.Srtp;

/// <summary>
/// AES in counter mode (RFC 3711 §4.1.1): keystream block j is AES_k(IV + j), the 128-bit IV
/// incremented as one integer. On x86 with AES-NI the blocks are encrypted inline, four at a time;
/// elsewhere one reused ECB encryptor (the one-shot <c>Aes.EncryptEcb</c> rebuilds a native cipher and
/// allocates on every call). Not thread-safe: the owner calls it under its lock.
/// </summary>
internal sealed class AesCounterMode : IDisposable
{
    public const int BlockLength = 16;

    /// <summary>Counter blocks encrypted per fallback transform call.</summary>
    private const int ChunkLength = 1024;

    private const int Lanes = 4;

    private readonly Vector128<byte>[]? _roundKeys;
    private readonly Aes? _aes;
    private readonly ICryptoTransform? _encryptor;
    private readonly byte[]? _counterBlocks;
    private readonly byte[]? _keystream;

    public AesCounterMode(ReadOnlySpan<byte> key, bool allowAesNi = true)
    {
        if (allowAesNi && AesNiKeySchedule.IsSupported)
        {
            _roundKeys = AesNiKeySchedule.Expand(key);
            return;
        }

        _aes = Aes.Create();
        _aes.Key = key.ToArray();
        _aes.Mode = CipherMode.ECB;
        _aes.Padding = PaddingMode.None;
        _encryptor = _aes.CreateEncryptor();
        _counterBlocks = new byte[ChunkLength];
        _keystream = new byte[ChunkLength];
    }

    /// <summary>XORs the keystream that starts at <paramref name="iv"/> into <paramref name="data"/>.</summary>
    public void Apply(ReadOnlySpan<byte> iv, Span<byte> data)
    {
        UInt128 counter = BinaryPrimitives.ReadUInt128BigEndian(iv);
        if (_roundKeys is not null)
        {
            ApplyAesNi(_roundKeys, counter, data);
        }
        else
        {
            ApplyTransform(counter, data);
        }
    }

    public void Dispose()
    {
        if (_roundKeys is not null)
        {
            Array.Clear(_roundKeys);
        }

        _encryptor?.Dispose();
        _aes?.Dispose();
        if (_keystream is not null)
        {
            CryptographicOperations.ZeroMemory(_keystream);
        }
    }

    private static void ApplyAesNi(Vector128<byte>[] keys, UInt128 counter, Span<byte> data)
    {
        Span<byte> counterBytes = stackalloc byte[BlockLength * Lanes];
        Span<byte> keystream = stackalloc byte[BlockLength * Lanes];
        int rounds = keys.Length - 1;
        while (!data.IsEmpty)
        {
            for (int lane = 0; lane < Lanes; lane++)
            {
                BinaryPrimitives.WriteUInt128BigEndian(counterBytes[(lane * BlockLength)..], counter);
                counter++;
            }

            // Four independent blocks keep the AES unit's pipeline full.
            Vector128<byte> b0 = Vector128.Create(counterBytes) ^ keys[0];
            Vector128<byte> b1 = Vector128.Create(counterBytes[16..]) ^ keys[0];
            Vector128<byte> b2 = Vector128.Create(counterBytes[32..]) ^ keys[0];
            Vector128<byte> b3 = Vector128.Create(counterBytes[48..]) ^ keys[0];
            for (int round = 1; round < rounds; round++)
            {
                Vector128<byte> roundKey = keys[round];
                b0 = X86Aes.Encrypt(b0, roundKey);
                b1 = X86Aes.Encrypt(b1, roundKey);
                b2 = X86Aes.Encrypt(b2, roundKey);
                b3 = X86Aes.Encrypt(b3, roundKey);
            }

            X86Aes.EncryptLast(b0, keys[rounds]).CopyTo(keystream);
            X86Aes.EncryptLast(b1, keys[rounds]).CopyTo(keystream[16..]);
            X86Aes.EncryptLast(b2, keys[rounds]).CopyTo(keystream[32..]);
            X86Aes.EncryptLast(b3, keys[rounds]).CopyTo(keystream[48..]);

            int chunk = Math.Min(keystream.Length, data.Length);
            Xor(data[..chunk], keystream);
            data = data[chunk..];
        }
    }

    private void ApplyTransform(UInt128 counter, Span<byte> data)
    {
        while (!data.IsEmpty)
        {
            int chunk = Math.Min(ChunkLength, data.Length);
            int blocksLength = (chunk + BlockLength - 1) & ~(BlockLength - 1);
            for (int offset = 0; offset < blocksLength; offset += BlockLength)
            {
                BinaryPrimitives.WriteUInt128BigEndian(_counterBlocks.AsSpan(offset), counter);
                counter++;
            }

            _encryptor!.TransformBlock(_counterBlocks!, 0, blocksLength, _keystream!, 0);
            Xor(data[..chunk], _keystream);
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
