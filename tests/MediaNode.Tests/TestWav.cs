using System.Buffers.Binary;
using Serverless.WebRtc.Media;

namespace Serverless.MediaNode.Tests;

/// <summary>Builds WAV files field by field, so tests can write valid vectors and break single fields.</summary>
internal static class TestWav
{
    public static short[] Tone(double hz, int rate, TimeSpan duration, int channels = 1)
    {
        var frames = (int)(rate * duration.TotalSeconds);
        var mono = new short[frames];
        new ToneGenerator(hz, rate).Fill(mono);
        if (channels == 1)
        {
            return mono;
        }

        var stereo = new short[frames * 2];
        for (var i = 0; i < frames; i++)
        {
            stereo[2 * i] = mono[i];
            stereo[(2 * i) + 1] = mono[i];
        }

        return stereo;
    }

    public static byte[] Build(
        short[] samples,
        int rate,
        int channels = 1,
        ushort format = 1,
        ushort bits = 16,
        int? blockAlign = null,
        int? byteRate = null,
        bool listChunkFirst = false,
        int? declaredDataSize = null)
    {
        var data = new byte[samples.Length * 2];
        for (var i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(2 * i), samples[i]);
        }

        using var file = new MemoryStream();
        using var w = new BinaryWriter(file);
        w.Write("RIFF"u8);
        w.Write(0); // patched below
        w.Write("WAVE"u8);
        if (listChunkFirst)
        {
            w.Write("LIST"u8);
            w.Write(3);
            w.Write("abc"u8);
            w.Write((byte)0); // pad to even
        }

        var align = blockAlign ?? channels * bits / 8;
        w.Write("fmt "u8);
        w.Write(16);
        w.Write(format);
        w.Write((ushort)channels);
        w.Write(rate);
        w.Write(byteRate ?? rate * align);
        w.Write((ushort)align);
        w.Write(bits);
        w.Write("data"u8);
        w.Write(declaredDataSize ?? data.Length);
        w.Write(data);
        w.Flush();
        var bytes = file.ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), bytes.Length - 8);
        return bytes;
    }
}
