namespace Serverless.WebRtc.Rtcp;

/// <summary>
/// A 64-bit NTP timestamp (RFC 5905 §6): seconds since 1900-01-01 UTC in the high 32 bits, binary fraction in
/// the low 32. Seconds with the top bit clear are read as era 1 (from 2036-02-07T06:28:16Z), as RFC 4330 §3
/// advises, so the range covered is 1968 to 2104.
/// </summary>
internal readonly record struct NtpTimestamp(ulong Value)
{
    private static readonly DateTimeOffset Era0 = new(1900, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Era1 = Era0.AddSeconds(1L << 32);
    private const double TicksPerFraction = TimeSpan.TicksPerSecond / 4294967296.0;

    /// <summary>Whole seconds (high 32 bits).</summary>
    public uint Seconds => (uint)(Value >> 32);

    /// <summary>Fraction of a second in units of 2^-32 s (low 32 bits).</summary>
    public uint Fraction => (uint)Value;

    /// <summary>The middle 32 bits, as RTCP uses for LSR and for round-trip computation (RFC 3550 §6.4.1).</summary>
    public uint Middle32 => (uint)(Value >> 16);

    /// <summary>Builds a timestamp from its seconds and fraction halves.</summary>
    public static NtpTimestamp FromParts(uint seconds, uint fraction) => new(((ulong)seconds << 32) | fraction);

    /// <summary>The NTP timestamp of an instant, rounded to the nearest 2^-32 s.</summary>
    public static NtpTimestamp FromDateTimeOffset(DateTimeOffset time)
    {
        var ticks = (time - Era0).Ticks;
        var seconds = ticks / TimeSpan.TicksPerSecond;
        var remainder = ticks % TimeSpan.TicksPerSecond;
        if (remainder < 0)
        {
            seconds--;
            remainder += TimeSpan.TicksPerSecond;
        }

        var fraction = (ulong)Math.Round(remainder / TicksPerFraction);
        var value = (((ulong)seconds) << 32) + fraction; // fraction may round up to exactly one second: carries
        return new NtpTimestamp(value);
    }

    /// <summary>The current time of <paramref name="timeProvider"/> as an NTP timestamp.</summary>
    public static NtpTimestamp Now(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        return FromDateTimeOffset(timeProvider.GetUtcNow());
    }

    /// <summary>The instant this timestamp denotes, rounded to the nearest 100 ns tick.</summary>
    public DateTimeOffset ToDateTimeOffset()
    {
        var era = (Seconds & 0x8000_0000) != 0 ? Era0 : Era1;
        var ticks = (Seconds * TimeSpan.TicksPerSecond) + (long)Math.Round(Fraction * TicksPerFraction);
        return era.AddTicks(ticks);
    }
}
