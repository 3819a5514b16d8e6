namespace Serverless.WebRtc.Srtp;

/// <summary>
/// Packet index estimation of RFC 3711 §3.3.1 and Appendix A: the 48-bit index of a received SEQ is
/// 2^16 * v + SEQ, where v is ROC - 1, ROC or ROC + 1, whichever puts the index closest to the
/// highest index seen so far (s_l and ROC are the low 16 and high 32 bits of that index).
/// </summary>
internal static class SrtpIndexEstimator
{
    public const ulong MaxIndex = (1UL << 48) - 1;

    private const int HalfRange = 1 << 15;

    /// <returns>False when the estimate falls outside 0..2^48-1 (ROC would be -1 or 2^32).</returns>
    public static bool TryEstimate(ulong highestIndex, ushort sequenceNumber, out ulong index)
    {
        long roc = (long)(highestIndex >> 16);
        int highestSequence = (int)(highestIndex & 0xFFFF);
        long v;
        if (highestSequence < HalfRange)
        {
            v = sequenceNumber - highestSequence > HalfRange ? roc - 1 : roc;
        }
        else
        {
            v = highestSequence - HalfRange > sequenceNumber ? roc + 1 : roc;
        }

        if (v < 0 || v > uint.MaxValue)
        {
            index = 0;
            return false;
        }

        index = ((ulong)v << 16) | sequenceNumber;
        return true;
    }
}
