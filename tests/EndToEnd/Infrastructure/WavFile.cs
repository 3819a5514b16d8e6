using System.Buffers.Binary;

namespace Serverless.Testing.EndToEnd.Infrastructure;

/// <summary>Reads the 16-bit PCM samples of a RIFF/WAVE file (the recording format the node writes for <c>wav</c>).</summary>
internal static class WavFile
{
    public static (int SampleRate, int Channels, short[] Samples) Read(byte[] wav)
    {
        ArgumentNullException.ThrowIfNull(wav);
        Assert.True(wav.Length >= 12 && wav.AsSpan(0, 4).SequenceEqual("RIFF"u8) && wav.AsSpan(8, 4).SequenceEqual("WAVE"u8), "not a RIFF/WAVE file");
        int sampleRate = 0, channels = 0, bits = 0;
        var offset = 12;
        while (offset + 8 <= wav.Length)
        {
            var id = wav.AsSpan(offset, 4);
            var size = BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(offset + 4, 4));
            var body = offset + 8;
            if (id.SequenceEqual("fmt "u8))
            {
                channels = BinaryPrimitives.ReadInt16LittleEndian(wav.AsSpan(body + 2, 2));
                sampleRate = BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(body + 4, 4));
                bits = BinaryPrimitives.ReadInt16LittleEndian(wav.AsSpan(body + 14, 2));
            }
            else if (id.SequenceEqual("data"u8))
            {
                Assert.Equal(16, bits);
                var length = Math.Min(size, wav.Length - body) / 2;
                var samples = new short[length];
                for (var i = 0; i < length; i++)
                {
                    samples[i] = BinaryPrimitives.ReadInt16LittleEndian(wav.AsSpan(body + (2 * i), 2));
                }

                return (sampleRate, channels, samples);
            }

            // RIFF chunks are padded to an even size.
            offset = body + size + (size & 1);
        }

        throw new InvalidDataException("No data chunk.");
    }
}
