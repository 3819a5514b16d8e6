namespace Serverless.MediaNode.Audio;

/// <summary>
/// Band-limited resampling by windowed sinc (Blackman window, 16 zero crossings each side), evaluated as a
/// polyphase filter when the rate ratio reduces to at most <see cref="MaxPhases"/> phases (8, 16, 22.05,
/// 32, 44.1 kHz to 48 kHz all do) and directly otherwise. The cut-off sits at 95 % of the lower Nyquist
/// frequency so images of the input spectrum are suppressed; each phase is normalised to unity DC gain.
/// </summary>
public static class Resampler
{
    /// <summary>Zero crossings of the sinc on each side of the centre.</summary>
    public const int HalfTaps = 16;

    private const int MaxPhases = 1_024;
    private const double Rolloff = 0.95;

    public static short[] Resample(ReadOnlySpan<short> input, int fromRate, int toRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fromRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(toRate);
        if (fromRate == toRate)
        {
            return input.ToArray();
        }

        var gcd = Gcd(fromRate, toRate);
        var up = toRate / gcd; // L: output samples per M input samples
        var down = fromRate / gcd; // M
        var length = (int)((long)input.Length * up / down);
        var output = new short[length];

        // Cut-off as a fraction of the input Nyquist: downsampling must also remove what the output cannot hold.
        var cutoff = Rolloff * Math.Min(1.0, (double)toRate / fromRate);
        var reach = (int)Math.Ceiling(HalfTaps / cutoff); // input samples each side
        var table = up <= MaxPhases ? BuildTable(up, reach, cutoff) : null;
        var weights = table is null ? new double[2 * reach] : null;
        for (var n = 0; n < length; n++)
        {
            var position = (long)n * down;
            var centre = (int)(position / up);
            var phase = (int)(position % up);
            ReadOnlySpan<double> taps;
            if (table is not null)
            {
                taps = table.AsSpan(phase * 2 * reach, 2 * reach);
            }
            else
            {
                FillWeights(weights!, (double)phase / up, reach, cutoff);
                taps = weights;
            }

            double sum = 0;
            for (var k = 0; k < taps.Length; k++)
            {
                var index = centre - reach + 1 + k;
                if ((uint)index < (uint)input.Length)
                {
                    sum += input[index] * taps[k];
                }
            }

            output[n] = (short)Math.Clamp(Math.Round(sum), short.MinValue, short.MaxValue);
        }

        return output;
    }

    private static double[] BuildTable(int phases, int reach, double cutoff)
    {
        var table = new double[phases * 2 * reach];
        for (var p = 0; p < phases; p++)
        {
            FillWeights(table.AsSpan(p * 2 * reach, 2 * reach), (double)p / phases, reach, cutoff);
        }

        return table;
    }

    // Weights for input samples centre-reach+1 .. centre+reach when the output lies `fraction` past centre.
    private static void FillWeights(Span<double> weights, double fraction, int reach, double cutoff)
    {
        double total = 0;
        for (var k = 0; k < weights.Length; k++)
        {
            var x = k - reach + 1 - fraction; // distance in input samples
            var w = Blackman(x / reach) * cutoff * Sinc(cutoff * x);
            weights[k] = w;
            total += w;
        }

        for (var k = 0; k < weights.Length; k++)
        {
            weights[k] /= total;
        }
    }

    private static double Sinc(double x) => Math.Abs(x) < 1e-12 ? 1.0 : Math.Sin(Math.PI * x) / (Math.PI * x);

    // Blackman window on [-1, 1].
    private static double Blackman(double t) =>
        Math.Abs(t) >= 1 ? 0 : 0.42 + (0.5 * Math.Cos(Math.PI * t)) + (0.08 * Math.Cos(2 * Math.PI * t));

    private static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
