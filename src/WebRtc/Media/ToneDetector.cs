namespace Serverless.WebRtc.Media;

/// <summary>Measures a dominant tone in PCM: frequency by interpolated zero crossings, power by Goertzel.</summary>
public static class ToneDetector
{
    /// <summary>
    /// Frequency in Hz from rising zero crossings, each placed by linear interpolation between the two
    /// samples around it; hysteresis (10 % of the peak) keeps codec noise near zero from adding crossings.
    /// Returns 0 when fewer than two crossings are found.
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
        var armed = false;
        var crossings = 0;
        double first = 0;
        double last = 0;
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
                if (crossings == 0)
                {
                    first = at;
                }

                last = at;
                crossings++;
                armed = false;
            }
        }

        return crossings < 2 || last <= first ? 0 : (crossings - 1) * sampleRate / (last - first);
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
}
