namespace Serverless.WebRtc.Media;

/// <summary>A continuous sine tone written into consecutive PCM frames (phase carries across calls).</summary>
public sealed class ToneGenerator
{
    private readonly double _phaseStep;
    private readonly double _amplitude;
    private double _phase;

    /// <param name="frequencyHz">Tone frequency, below Nyquist.</param>
    /// <param name="sampleRate">Samples per second.</param>
    /// <param name="amplitude">Peak value; the default is about −10 dBFS.</param>
    public ToneGenerator(double frequencyHz, int sampleRate = OpusCodec.SampleRate, short amplitude = 10_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleRate, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frequencyHz);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(frequencyHz, sampleRate / 2.0);
        FrequencyHz = frequencyHz;
        SampleRate = sampleRate;
        _phaseStep = 2 * Math.PI * frequencyHz / sampleRate;
        _amplitude = amplitude;
    }

    public double FrequencyHz { get; }

    public int SampleRate { get; }

    /// <summary>Fills <paramref name="destination"/> with the next samples of the tone.</summary>
    public void Fill(Span<short> destination)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = (short)Math.Round(_amplitude * Math.Sin(_phase));
            _phase += _phaseStep;
            if (_phase >= 2 * Math.PI)
            {
                _phase -= 2 * Math.PI;
            }
        }
    }
}
