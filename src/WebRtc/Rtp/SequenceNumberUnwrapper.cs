namespace Serverless.WebRtc.Rtp;

/// <summary>
/// Extends 16-bit sequence numbers to a 64-bit count that keeps increasing across wraps, as the extended
/// highest sequence number of RFC 3550 §6.4.1 / Appendix A.1 needs (cycles × 2^16 + seq). Each number is
/// placed at the position nearest the previous one, so reordered packets keep their place.
/// Not thread-safe: one instance per received SSRC, used by its receive path.
/// </summary>
public sealed class SequenceNumberUnwrapper
{
    private long _last = -1;

    /// <summary>The last unwrapped value, or -1 before the first packet.</summary>
    public long Last => _last;

    /// <summary>Unwraps <paramref name="sequenceNumber"/> relative to the previous call.</summary>
    public long Unwrap(ushort sequenceNumber)
    {
        if (_last < 0)
        {
            _last = sequenceNumber;
            return _last;
        }

        var previous = new SequenceNumber(unchecked((ushort)_last));
        var unwrapped = _last + SequenceNumber.Distance(previous, new SequenceNumber(sequenceNumber));

        // A packet from before the first one would unwrap below zero; keep the count non-negative by
        // treating it as one more cycle ahead (it is then far in the future and any stats ignore it).
        if (unwrapped < 0)
        {
            unwrapped += 1 << 16;
        }

        _last = unwrapped;
        return unwrapped;
    }
}
