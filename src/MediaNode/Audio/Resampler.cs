
namespace Serverless.MediaNode.Audio;

/// <summary>
/// Band-limited resampling of whole buffers (prompts, tones) with the Speex resampler that ships in Concentus
/// (a windowed-sinc polyphase filter with a tabulated Kaiser window, any rate ratio). For live audio in 20 ms
/// frames use <see cref="StreamingResampler"/>, which keeps the filter state between frames.
/// </summary>
public static class Resampler
{
    /// <summary>Speex quality 0-10 used throughout: 5 is Speex' "desktop" setting (VoIP is 3), enough to keep
    /// aliasing under 1e-5 of a full-scale tone when 48 kHz goes down to 16 kHz.</summary>
    public const int Quality = 5;

    /// <summary>Zero crossings of the filter's sinc on each side of the centre at <see cref="Quality"/> (80 taps).</summary>
    public const int HalfTaps = 40;

    /// <summary>
    /// Resamples <paramref name="input"/>; the output has <c>input.Length * toRate / fromRate</c> samples, aligned
    /// with the input (the filter delay is skipped at the start and flushed at the end).
    /// </summary>
    public static short[] Resample(ReadOnlySpan<short> input, int fromRate, int toRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fromRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(toRate);
        if (fromRate == toRate)
        {
            return input.ToArray();
        }

        var length = (int)((long)input.Length * toRate / fromRate);
        using var resampler = new StreamingResampler(fromRate, toRate);
        resampler.SkipFilterDelay();

        // Push zeros after the input until its tail has left the filter; the scratch has room for both.
        var flush = new short[(2 * resampler.InputLatencySamples) + 2];
        var scratch = new short[resampler.MaxOutputSamples(input.Length) + resampler.MaxOutputSamples(flush.Length)];
        // In 100 ms chunks: the resampler's float buffers stay small even for a 10-minute prompt.
        var written = 0;
        var chunk = Math.Max(fromRate / 10, 1);
        for (var offset = 0; offset < input.Length; offset += chunk)
        {
            written += resampler.Process(input.Slice(offset, Math.Min(chunk, input.Length - offset)), scratch.AsSpan(written));
        }

        if (written < length)
        {
            written += resampler.Process(flush, scratch.AsSpan(written));
        }

        return written >= length ? scratch[..length] : throw new InvalidOperationException($"The resampler produced {written} of {length} samples.");
    }
}
