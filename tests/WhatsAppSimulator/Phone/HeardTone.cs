namespace Serverless.Testing.WhatsAppSimulator.Phone;

/// <summary>One measurement of the last second of decoded audio at the phone; <see cref="FrequencyHz"/> 0 = no tone.</summary>
/// <param name="At">When it was measured (system clock: media runs in real time).</param>
/// <param name="FrequencyHz">Dominant frequency by zero crossings, 0 when the window was (near) silent.</param>
/// <param name="Rms">Root mean square level of the window (16-bit PCM units).</param>
public readonly record struct HeardTone(DateTimeOffset At, double FrequencyHz, double Rms);

/// <summary>One received audio packet, decoded on its own in arrival order (media time, not the clock).</summary>
/// <param name="RtpTimestamp">The packet's RTP timestamp (48 kHz clock; 960 per 20 ms frame).</param>
/// <param name="FrequencyHz">Dominant frequency of its 20 ms by zero crossings, 0 when (near) silent.</param>
/// <param name="Rms">Root mean square level (16-bit PCM units).</param>
public readonly record struct HeardFrame(uint RtpTimestamp, double FrequencyHz, double Rms);
