namespace Serverless.WebRtc.Srtp;

/// <summary>
/// Sliding replay window of RFC 3711 §3.3.2, 128 packets wide (the RFC's minimum is 64), tracking the
/// highest authenticated index. For SRTP that highest index is also the receiver's ROC and s_l
/// (index = 2^16 * ROC + SEQ), so this is the whole per-SSRC receive state.
/// Not thread-safe: guarded by the owning context's lock.
/// </summary>
internal sealed class ReplayWindow
{
    public const int Width = 128;

    private UInt128 _received;

    /// <summary>Highest index that has passed authentication.</summary>
    public ulong HighestIndex { get; private set; }

    /// <summary>Classifies <paramref name="index"/> without changing the window.</summary>
    public SrtpResult Check(ulong index)
    {
        if (index > HighestIndex)
        {
            return SrtpResult.Ok;
        }

        ulong age = HighestIndex - index;
        if (age >= Width)
        {
            return SrtpResult.TooOld;
        }

        return ((_received >> (int)age) & UInt128.One) != UInt128.Zero ? SrtpResult.ReplayDetected : SrtpResult.Ok;
    }

    /// <summary>Records an authenticated index. Call only after <see cref="Check"/> returned Ok and the tag verified.</summary>
    public void Accept(ulong index)
    {
        if (index > HighestIndex)
        {
            ulong shift = index - HighestIndex;
            _received = shift >= Width ? UInt128.One : (_received << (int)shift) | UInt128.One;
            HighestIndex = index;
        }
        else
        {
            _received |= UInt128.One << (int)(HighestIndex - index);
        }
    }

    /// <summary>A window whose first accepted packet is <paramref name="index"/>.</summary>
    public static ReplayWindow StartingAt(ulong index)
    {
        var window = new ReplayWindow { HighestIndex = index, _received = UInt128.One };
        return window;
    }
}
