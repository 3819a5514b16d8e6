namespace Serverless.WebRtc.Rtp;

/// <summary>
/// A 16-bit RTP sequence number ordered by serial number arithmetic (RFC 1982 §3.2, SERIAL_BITS = 16):
/// <c>a &lt; b</c> when b is ahead of a by less than half the number space, across the 65535 → 0 wrap.
/// RFC 1982 leaves numbers exactly 2^15 apart undefined; we order those by raw value so the order stays total
/// and antisymmetric (the choice libwebrtc makes too).
/// </summary>
public readonly record struct SequenceNumber(ushort Value) : IComparable<SequenceNumber>
{
    private const int HalfSpace = 0x8000;

    /// <summary>True when this number is ahead of <paramref name="other"/>.</summary>
    public bool IsNewerThan(SequenceNumber other)
    {
        var forward = (ushort)(Value - other.Value);
        return forward == HalfSpace ? Value > other.Value : forward is > 0 and < HalfSpace;
    }

    /// <summary>
    /// Signed steps from <paramref name="from"/> to <paramref name="to"/>, wrap-aware; positive when
    /// <paramref name="to"/> is newer. Magnitude at most 2^15 (the tie is signed the same way as the ordering).
    /// </summary>
    public static int Distance(SequenceNumber from, SequenceNumber to)
    {
        var forward = (ushort)(to.Value - from.Value);
        if (forward == HalfSpace)
        {
            return to.IsNewerThan(from) ? HalfSpace : -HalfSpace;
        }

        return (short)forward;
    }

    /// <summary>The number after this one (65535 wraps to 0).</summary>
    public SequenceNumber Next() => new(unchecked((ushort)(Value + 1)));

    /// <summary>This number advanced by <paramref name="steps"/> (may be negative), modulo 2^16.</summary>
    public SequenceNumber Add(int steps) => new(unchecked((ushort)(Value + steps)));

    /// <inheritdoc/>
    public int CompareTo(SequenceNumber other) => Value == other.Value ? 0 : IsNewerThan(other) ? 1 : -1;

    /// <summary>Serial-arithmetic less-than.</summary>
    public static bool operator <(SequenceNumber left, SequenceNumber right) => left.CompareTo(right) < 0;

    /// <summary>Serial-arithmetic greater-than.</summary>
    public static bool operator >(SequenceNumber left, SequenceNumber right) => left.CompareTo(right) > 0;

    /// <summary>Serial-arithmetic less-or-equal.</summary>
    public static bool operator <=(SequenceNumber left, SequenceNumber right) => left.CompareTo(right) <= 0;

    /// <summary>Serial-arithmetic greater-or-equal.</summary>
    public static bool operator >=(SequenceNumber left, SequenceNumber right) => left.CompareTo(right) >= 0;
}
