using System.Buffers.Binary;

namespace Serverless.MediaNode.Audio;

/// <summary>
/// A parsed RIFF/WAVE file of 16-bit integer PCM, 8-48 kHz, mono or stereo. Chunks other than "fmt " and
/// "data" (LIST, fact, ...) are skipped; chunk bodies are padded to even length (RIFF). WAVE_FORMAT_EXTENSIBLE
/// is accepted when its sub-format is PCM.
/// </summary>
public sealed class WavAudio
{
    public const int MinSampleRate = 8_000;
    public const int MaxSampleRate = 48_000;

    /// <summary>Longest prompt accepted: 10 minutes.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromMinutes(10);

    private const ushort FormatPcm = 1;
    private const ushort FormatExtensible = 0xFFFE;

    private WavAudio(int sampleRate, int channels, short[] samples)
    {
        SampleRate = sampleRate;
        Channels = channels;
        Samples = samples;
    }

    public int SampleRate { get; }

    public int Channels { get; }

    /// <summary>Interleaved samples (L R L R ... for stereo).</summary>
    public short[] Samples { get; }

    /// <summary>Sample frames (samples per channel).</summary>
    public int FrameCount => Samples.Length / Channels;

    public TimeSpan Duration => TimeSpan.FromSeconds((double)FrameCount / SampleRate);

    public static bool TryParse(ReadOnlySpan<byte> file, out WavAudio audio, out WavError error)
    {
        audio = null!;
        if (file.Length < 12)
        {
            return Fail(WavError.Truncated, out error);
        }

        if (!file[..4].SequenceEqual("RIFF"u8) || !file.Slice(8, 4).SequenceEqual("WAVE"u8))
        {
            return Fail(WavError.NotRiffWave, out error);
        }

        var offset = 12;
        int channels = 0, rate = 0;
        var haveFormat = false;
        while (offset + 8 <= file.Length)
        {
            var id = file.Slice(offset, 4);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(file.Slice(offset + 4, 4));
            offset += 8;
            if (id.SequenceEqual("fmt "u8))
            {
                if (size < 16 || size > file.Length - offset)
                {
                    return Fail(WavError.Truncated, out error);
                }

                if (!TryReadFormat(file.Slice(offset, (int)size), out channels, out rate, out error))
                {
                    return false;
                }

                haveFormat = true;
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (!haveFormat)
                {
                    return Fail(WavError.MissingFormat, out error);
                }

                if (size > file.Length - offset)
                {
                    return Fail(WavError.Truncated, out error);
                }

                return TryReadSamples(file.Slice(offset, (int)size), channels, rate, out audio, out error);
            }

            if (size > file.Length - offset)
            {
                return Fail(WavError.Truncated, out error);
            }

            offset += (int)size + (int)(size & 1); // RIFF pads odd-sized chunks to even length
        }

        return Fail(haveFormat ? WavError.MissingData : WavError.MissingFormat, out error);
    }

    /// <summary>Mono samples: stereo is averaged (L+R)/2.</summary>
    public short[] ToMono()
    {
        if (Channels == 1)
        {
            return Samples;
        }

        var mono = new short[FrameCount];
        for (var i = 0; i < mono.Length; i++)
        {
            mono[i] = (short)((Samples[2 * i] + Samples[(2 * i) + 1]) / 2);
        }

        return mono;
    }

    private static bool TryReadFormat(ReadOnlySpan<byte> fmt, out int channels, out int rate, out WavError error)
    {
        var format = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
        channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]);
        rate = (int)Math.Min(int.MaxValue, BinaryPrimitives.ReadUInt32LittleEndian(fmt[4..]));
        var byteRate = BinaryPrimitives.ReadUInt32LittleEndian(fmt[8..]);
        var blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(fmt[12..]);
        var bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]);
        if (format == FormatExtensible)
        {
            // WAVEFORMATEXTENSIBLE: cbSize(2) validBits(2) channelMask(4) subFormat GUID(16), whose first two
            // bytes are the plain format tag.
            if (fmt.Length < 40)
            {
                return Fail(WavError.Truncated, out error);
            }

            format = BinaryPrimitives.ReadUInt16LittleEndian(fmt[24..]);
        }

        if (format != FormatPcm)
        {
            return Fail(WavError.NotPcm, out error);
        }

        if (bits != 16)
        {
            return Fail(WavError.UnsupportedBitDepth, out error);
        }

        if (channels is not (1 or 2))
        {
            return Fail(WavError.UnsupportedChannels, out error);
        }

        if (rate is < MinSampleRate or > MaxSampleRate)
        {
            return Fail(WavError.UnsupportedSampleRate, out error);
        }

        if (blockAlign != channels * 2 || byteRate != (uint)(rate * blockAlign))
        {
            return Fail(WavError.InconsistentFormat, out error);
        }

        error = WavError.None;
        return true;
    }

    private static bool TryReadSamples(ReadOnlySpan<byte> data, int channels, int rate, out WavAudio audio, out WavError error)
    {
        audio = null!;
        var frames = data.Length / (2 * channels); // a trailing partial frame is dropped
        if (frames == 0)
        {
            return Fail(WavError.NoSamples, out error);
        }

        if (frames > MaxDuration.TotalSeconds * rate)
        {
            return Fail(WavError.TooLong, out error);
        }

        var samples = new short[frames * channels];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = BinaryPrimitives.ReadInt16LittleEndian(data[(2 * i)..]);
        }

        audio = new WavAudio(rate, channels, samples);
        error = WavError.None;
        return true;
    }

    private static bool Fail(WavError reason, out WavError error)
    {
        error = reason;
        return false;
    }
}
