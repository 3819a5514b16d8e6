using System.Buffers;

namespace Serverless.WebRtc.Media;

/// <summary>Measures a dominant tone in PCM: frequency by interpolated zero crossings, power by Goertzel.</summary>
public static class ToneDetector
{
    /// <summary>
    /// Frequency in Hz from the spacing of rising zero crossings, each placed by linear interpolation between
    /// the samples around it. Hysteresis (10 % of the peak) keeps noise near zero from adding crossings, and
    /// only periods within ±25 % of the median period are averaged, so a concealed or faded stretch that
    /// drops or adds a crossing does not bias the result. Returns 0 when fewer than two crossings are found.
    /// </summary>
    public static double EstimateFrequency(ReadOnlySpan<short> samples, int sampleRate = OpusCodec.SampleRate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleRate, 1);
        var peak = 0;
        foreach (var sample in samples)
        {
            peak = Math.Max(peak, Math.Abs((int)sample));
        }

        var threshold = peak / 10.0;
        var periods = ArrayPool<double>.Shared.Rent((samples.Length / 2) + 1);
        try
        {
            var count = 0;
            var armed = false;
            double previousCrossing = -1;
            for (var i = 1; i < samples.Length; i++)
            {
                double previous = samples[i - 1];
                double current = samples[i];
                if (previous < -threshold)
                {
                    armed = true;
                }

                if (armed && previous < 0 && current >= 0)
                {
                    var at = i - 1 + (-previous / (current - previous));
                    if (previousCrossing >= 0)
                    {
                        periods[count++] = at - previousCrossing;
                    }

                    previousCrossing = at;
                    armed = false;
                }
            }

            return count == 0 ? 0 : sampleRate / RobustMeanPeriod(periods.AsSpan(0, count));
        }
        finally
        {
            ArrayPool<double>.Shared.Return(periods);
        }
    }

    /// <summary>
    /// Goertzel power at <paramref name="frequencyHz"/>, normalised so a full-scale sine at that frequency
    /// gives about 0.25 (amplitude² / 4 with samples scaled to ±1).
    /// </summary>
    public static double GoertzelPower(ReadOnlySpan<short> samples, double frequencyHz, int sampleRate = OpusCodec.SampleRate)
    {
        if (samples.IsEmpty)
        {
            return 0;
        }

        var coefficient = 2 * Math.Cos(2 * Math.PI * frequencyHz / sampleRate);
        double s1 = 0;
        double s2 = 0;
        foreach (var sample in samples)
        {
            var s0 = (sample / 32768.0) + (coefficient * s1) - s2;
            s2 = s1;
            s1 = s0;
        }

        var power = (s1 * s1) + (s2 * s2) - (coefficient * s1 * s2);
        return power / ((double)samples.Length * samples.Length);
    }

    private static double RobustMeanPeriod(Span<double> periods)
    {
        var sorted = ArrayPool<double>.Shared.Rent(periods.Length);
        try
        {
            periods.CopyTo(sorted);
            Array.Sort(sorted, 0, periods.Length);
            var median = sorted[periods.Length / 2];
            double sum = 0;
            var used = 0;
            foreach (var period in periods)
            {
                if (period >= median * 0.75 && period <= median * 1.25)
                {
                    sum += period;
                    used++;
                }
            }

            return sum / used; // the median itself always qualifies
        }
        finally
        {
            ArrayPool<double>.Shared.Return(sorted);
        }
    }
}
