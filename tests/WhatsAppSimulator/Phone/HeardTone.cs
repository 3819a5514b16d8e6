namespace Serverless.Testing.WhatsAppSimulator.Phone;

/// <summary>One measurement of the last second of decoded audio at the phone; <see cref="FrequencyHz"/> 0 = no tone.</summary>
/// <param name="At">When it was measured (system clock: media runs in real time).</param>
/// <param name="FrequencyHz">Dominant frequency by zero crossings, 0 when the window was (near) silent.</param>
/// <param name="Rms">Root mean square level of the window (16-bit PCM units).</param>
public readonly record struct HeardTone(DateTimeOffset At, double FrequencyHz, double Rms);
