using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using X86Aes = System.Runtime.Intrinsics.X86.Aes;

namespace Serverless.WebRtc.Srtp;

/// <summary>
/// AES-128/256 encryption round keys and block encryption on x86 AES-NI (FIPS 197 §5.2 key expansion,
/// computed with AESKEYGENASSIST). Used only when <see cref="IsSupported"/>; results are checked against
/// .NET's AES by the tests.
/// </summary>
internal static class AesNiKeySchedule
{
    public static bool IsSupported => X86Aes.IsSupported && Sse2.IsSupported;

    /// <summary>Round keys for a 16- or 32-byte key: 11 or 15 entries.</summary>
    public static Vector128<byte>[] Expand(ReadOnlySpan<byte> key) => key.Length switch
    {
        16 => Expand128(Vector128.Create(key)),
        32 => Expand256(Vector128.Create(key), Vector128.Create(key[16..])),
        _ => throw new ArgumentException("AES-NI path supports 128- and 256-bit keys.", nameof(key)),
    };

    private static Vector128<byte>[] Expand128(Vector128<byte> key)
    {
        var k = new Vector128<byte>[11];
        k[0] = key;
        k[1] = NextFromRotated(k[0], X86Aes.KeygenAssist(k[0], 0x01));
        k[2] = NextFromRotated(k[1], X86Aes.KeygenAssist(k[1], 0x02));
        k[3] = NextFromRotated(k[2], X86Aes.KeygenAssist(k[2], 0x04));
        k[4] = NextFromRotated(k[3], X86Aes.KeygenAssist(k[3], 0x08));
        k[5] = NextFromRotated(k[4], X86Aes.KeygenAssist(k[4], 0x10));
        k[6] = NextFromRotated(k[5], X86Aes.KeygenAssist(k[5], 0x20));
        k[7] = NextFromRotated(k[6], X86Aes.KeygenAssist(k[6], 0x40));
        k[8] = NextFromRotated(k[7], X86Aes.KeygenAssist(k[7], 0x80));
        k[9] = NextFromRotated(k[8], X86Aes.KeygenAssist(k[8], 0x1B));
        k[10] = NextFromRotated(k[9], X86Aes.KeygenAssist(k[9], 0x36));
        return k;
    }

    private static Vector128<byte>[] Expand256(Vector128<byte> low, Vector128<byte> high)
    {
        // Even round keys take RotWord+SubWord+Rcon of the previous word (dword 3 of the assist),
        // odd ones SubWord only (dword 2), per FIPS 197 §5.2 for Nk = 8.
        var k = new Vector128<byte>[15];
        k[0] = low;
        k[1] = high;
        k[2] = NextFromRotated(k[0], X86Aes.KeygenAssist(k[1], 0x01));
        k[3] = NextFromSubstituted(k[1], X86Aes.KeygenAssist(k[2], 0x00));
        k[4] = NextFromRotated(k[2], X86Aes.KeygenAssist(k[3], 0x02));
        k[5] = NextFromSubstituted(k[3], X86Aes.KeygenAssist(k[4], 0x00));
        k[6] = NextFromRotated(k[4], X86Aes.KeygenAssist(k[5], 0x04));
        k[7] = NextFromSubstituted(k[5], X86Aes.KeygenAssist(k[6], 0x00));
        k[8] = NextFromRotated(k[6], X86Aes.KeygenAssist(k[7], 0x08));
        k[9] = NextFromSubstituted(k[7], X86Aes.KeygenAssist(k[8], 0x00));
        k[10] = NextFromRotated(k[8], X86Aes.KeygenAssist(k[9], 0x10));
        k[11] = NextFromSubstituted(k[9], X86Aes.KeygenAssist(k[10], 0x00));
        k[12] = NextFromRotated(k[10], X86Aes.KeygenAssist(k[11], 0x20));
        k[13] = NextFromSubstituted(k[11], X86Aes.KeygenAssist(k[12], 0x00));
        k[14] = NextFromRotated(k[12], X86Aes.KeygenAssist(k[13], 0x40));
        return k;
    }

    /// <summary>Next round key from RotWord(SubWord(w)) XOR Rcon: dword 3 of the assist result.</summary>
    private static Vector128<byte> NextFromRotated(Vector128<byte> previous, Vector128<byte> assist) =>
        Chain(previous) ^ Sse2.Shuffle(assist.AsUInt32(), 0xFF).AsByte();

    /// <summary>Next round key from SubWord(w) alone (AES-256 odd steps): dword 2 of the assist result.</summary>
    private static Vector128<byte> NextFromSubstituted(Vector128<byte> previous, Vector128<byte> assist) =>
        Chain(previous) ^ Sse2.Shuffle(assist.AsUInt32(), 0xAA).AsByte();

    /// <summary>w[i] = w[i-Nk] XOR w[i-1] chained over the four words: prefix XOR of the previous key.</summary>
    private static Vector128<byte> Chain(Vector128<byte> previous)
    {
        previous ^= Sse2.ShiftLeftLogical128BitLane(previous, 4);
        previous ^= Sse2.ShiftLeftLogical128BitLane(previous, 4);
        previous ^= Sse2.ShiftLeftLogical128BitLane(previous, 4);
        return previous;
    }
}
