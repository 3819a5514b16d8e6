namespace Serverless.MediaNode.Audio.Streaming;

/// <summary>G.711 µ-law (ITU-T G.711 §2, the North American companding Twilio Media Streams carry), 8-bit per sample.</summary>
public static class MuLaw
{
    private const int Bias = 0x84;
    private const int Clip = 32_635;

    private static readonly short[] DecodeTable = BuildDecodeTable();

    /// <summary>The code for digital silence (0 decodes from 0xFF).</summary>
    public const byte Silence = 0xFF;

    /// <summary>Encodes one linear 16-bit sample.</summary>
    public static byte Encode(short sample)
    {
        int pcm = sample;
        var sign = (pcm >> 8) & 0x80;
        if (sign != 0)
        {
            pcm = -pcm;
        }

        pcm = Math.Min(pcm, Clip) + Bias;
        var exponent = 7;
        for (var mask = 0x4000; (pcm & mask) == 0 && exponent > 0; mask >>= 1)
        {
            exponent--;
        }

        var mantissa = (pcm >> (exponent + 3)) & 0x0F;
        return (byte)~(sign | (exponent << 4) | mantissa);
    }

    /// <summary>Decodes one µ-law byte to a linear 16-bit sample.</summary>
    public static short Decode(byte code) => DecodeTable[code];

    /// <summary>Encodes <paramref name="pcm"/> into <paramref name="codes"/> (same length).</summary>
    public static void Encode(ReadOnlySpan<short> pcm, Span<byte> codes)
    {
        for (var i = 0; i < pcm.Length; i++)
        {
            codes[i] = Encode(pcm[i]);
        }
    }

    /// <summary>Decodes <paramref name="codes"/> into <paramref name="pcm"/> (same length).</summary>
    public static void Decode(ReadOnlySpan<byte> codes, Span<short> pcm)
    {
        for (var i = 0; i < codes.Length; i++)
        {
            pcm[i] = DecodeTable[codes[i]];
        }
    }

    private static short[] BuildDecodeTable()
    {
        var table = new short[256];
        for (var i = 0; i < 256; i++)
        {
            var code = ~i & 0xFF;
            var exponent = (code >> 4) & 0x07;
            var mantissa = code & 0x0F;
            var magnitude = (((mantissa << 3) + Bias) << exponent) - Bias;
            table[i] = (short)((code & 0x80) != 0 ? -magnitude : magnitude);
        }

        return table;
    }
}
