using Concentus;

namespace Serverless.MediaNode.Audio;

/// <summary>
/// Resamples a live mono stream frame by frame (e.g. 48 kHz Opus PCM to 8/16/24 kHz for an agent and back) with
/// the Speex resampler from Concentus, keeping the filter history between calls so frame edges leave no clicks.
/// Allocates nothing per call. Not thread-safe: one per direction of one stream.
/// </summary>
public sealed class StreamingResampler : IDisposable
{
    private readonly IResampler _speex;
    private float[] _in = [];
    private float[] _out = [];

    public StreamingResampler(int fromRate, int toRate, int quality = Resampler.Quality)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fromRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(toRate);
        ArgumentOutOfRangeException.ThrowIfNegative(quality);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quality, 10);
        FromRate = fromRate;
        ToRate = toRate;
        _speex = ResamplerFactory.CreateResampler(1, fromRate, toRate, quality); // managed Speex (Concentus.Common.SpeexResampler)
    }

    public int FromRate { get; }

    public int ToRate { get; }

    /// <summary>Delay the filter adds, in output samples (about 0.8 ms at 16 kHz → 48 kHz, quality 5).</summary>
    public int LatencySamples => _speex.OutputLatencySamples;

    /// <summary>Delay the filter adds, in input samples.</summary>
    public int InputLatencySamples => _speex.InputLatency;

    /// <summary>Most output samples <paramref name="inputSamples"/> can produce (size the destination with it).</summary>
    public int MaxOutputSamples(int inputSamples) => (int)(((long)inputSamples * ToRate / FromRate) + 2);

    /// <summary>
    /// Resamples all of <paramref name="input"/> into <paramref name="output"/> (size it with
    /// <see cref="MaxOutputSamples"/>); returns the samples written. Filter history carries to the next call.
    /// </summary>
    public int Process(ReadOnlySpan<short> input, Span<short> output)
    {
        // Concentus' Int16 overload allocates a float array per call; its float overload does not. Convert through
        // buffers kept here, which grow only when a call is longer than any before.
        var inFloats = Grow(ref _in, input.Length);
        var outFloats = Grow(ref _out, Math.Min(output.Length, MaxOutputSamples(input.Length)));
        for (var i = 0; i < input.Length; i++)
        {
            inFloats[i] = input[i];
        }

        var consumed = input.Length;
        var produced = outFloats.Length;
        _speex.Process(0, inFloats, ref consumed, outFloats, ref produced);
        if (consumed < input.Length)
        {
            throw new ArgumentException($"The output holds fewer than {MaxOutputSamples(input.Length)} samples.", nameof(output));
        }

        for (var i = 0; i < produced; i++)
        {
            output[i] = (short)Math.Clamp(MathF.Round(outFloats[i]), short.MinValue, short.MaxValue);
        }

        return produced;
    }

    /// <summary>Drops the filter's start-up delay from the output (for whole buffers, so output aligns with input).</summary>
    public void SkipFilterDelay() => _speex.SkipZeroes();

    /// <summary>Clears the history, e.g. before an unrelated stream.</summary>
    public void Reset() => _speex.ResetMem();

    public void Dispose() => _speex.Dispose();

    private static Span<float> Grow(ref float[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new float[length];
        }

        return buffer.AsSpan(0, length);
    }
}
