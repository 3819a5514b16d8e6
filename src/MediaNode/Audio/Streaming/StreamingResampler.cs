namespace Serverless.MediaNode.Audio.Streaming;

/// <summary>
/// Frame-by-frame rate conversion with the prompts' windowed-sinc <see cref="Resampler"/>: each call resamples the new
/// frame with enough of the previous input around it that every output sample sees its full filter, at the cost of a
/// fixed delay of <see cref="DelaySamples"/> input samples (≈2 ms). Frames must be a multiple of the ratio's input step
/// (20 ms at 8/16/24/48 kHz always is). Not thread-safe: one per direction of a stream.
/// </summary>
public sealed class StreamingResampler
{
    private readonly int _from;
    private readonly int _to;
    private readonly int _up;
    private readonly int _down;
    private readonly short[] _history;

    public StreamingResampler(int fromRate, int toRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fromRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(toRate);
        _from = fromRate;
        _to = toRate;
        var gcd = Gcd(fromRate, toRate);
        _up = toRate / gcd;
        _down = fromRate / gcd;
        // The filter reaches this many input samples each side (Resampler's own formula); round up to whole input steps.
        var cutoff = 0.95 * Math.Min(1.0, (double)toRate / fromRate);
        var reach = (int)Math.Ceiling(Resampler.HalfTaps / cutoff) + 1;
        DelaySamples = (reach + _down - 1) / _down * _down;
        _history = new short[2 * DelaySamples];
    }

    /// <summary>Input samples of delay the conversion adds.</summary>
    public int DelaySamples { get; }

    /// <summary>Output samples for <paramref name="inputSamples"/> input samples.</summary>
    public int OutputLength(int inputSamples) => (int)((long)inputSamples * _up / _down);

    /// <summary>Converts one frame; returns exactly <see cref="OutputLength"/> samples (delayed by <see cref="DelaySamples"/>).</summary>
    public short[] Process(ReadOnlySpan<short> frame)
    {
        if (frame.Length % _down != 0)
        {
            throw new ArgumentException($"A frame must be a multiple of {_down} samples.", nameof(frame));
        }

        if (_from == _to)
        {
            return frame.ToArray();
        }

        var buffer = new short[_history.Length + frame.Length];
        _history.CopyTo(buffer, 0);
        frame.CopyTo(buffer.AsSpan(_history.Length));
        var all = Resampler.Resample(buffer, _from, _to);
        var start = OutputLength(DelaySamples);
        var output = all.AsSpan(start, OutputLength(frame.Length)).ToArray();
        buffer.AsSpan(buffer.Length - _history.Length).CopyTo(_history);
        return output;
    }

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);
}
