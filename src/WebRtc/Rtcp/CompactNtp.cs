namespace Serverless.WebRtc.Rtcp;

/// <summary>
/// The 32-bit "middle" NTP format RTCP uses for LSR and DLSR: 16.16 fixed-point seconds (RFC 3550 §6.4.1).
/// </summary>
internal static class CompactNtp
{
    private const double UnitsPerSecond = 65536.0;

    /// <summary>A delay in units of 1/65536 s (for DLSR), saturating at the 32-bit maximum.</summary>
    public static uint FromTimeSpan(TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            return 0;
        }

        var units = Math.Round(delay.TotalSeconds * UnitsPerSecond);
        return units >= uint.MaxValue ? uint.MaxValue : (uint)units;
    }

    /// <summary>The delay that <paramref name="units"/> (1/65536 s) stands for.</summary>
    public static TimeSpan ToTimeSpan(uint units) => TimeSpan.FromSeconds(units / UnitsPerSecond);

    /// <summary>
    /// Round-trip time from a report block: arrival time (middle 32 bits of our NTP clock) minus LSR minus DLSR,
    /// modulo 2^32 (RFC 3550 §6.4.1). Null when the block carries no LSR yet (LSR = 0).
    /// </summary>
    public static TimeSpan? RoundTripTime(uint arrivalMiddle32, uint lastSenderReport, uint delaySinceLastSenderReport)
    {
        if (lastSenderReport == 0)
        {
            return null;
        }

        var rtt = unchecked(arrivalMiddle32 - lastSenderReport - delaySinceLastSenderReport);

        // A "negative" result (clock skew, or a block that refers to the future) shows up as a huge value.
        return rtt > int.MaxValue ? TimeSpan.Zero : ToTimeSpan(rtt);
    }
}
