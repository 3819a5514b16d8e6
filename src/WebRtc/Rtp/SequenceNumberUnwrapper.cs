namespace Serverless.WebRtc.Rtp;

/// <summary>
/// Extends 16-bit sequence numbers to a 64-bit count that keeps increasing across wraps, as the extended
/// highest sequence number of RFC 3550 §6.4.1 / Appendix A.1 needs (cycles × 2^16 + seq). Each number is
/// placed at the position nearest the previous one, so reordered packets keep their place; a packet that
/// precedes the very first one across a wrap comes out negative.
/// Not thread-safe: one instance per received SSRC, used by its receive path.
/// </summary>
internal sealed class SequenceNumberUnwrapper
{
    private long _last;
    private bool _started;

    /// <summary>The last unwrapped value (0 before the first packet).</summary>
    public long Last => _last;

    /// <summary>Unwraps <paramref name="sequenceNumber"/> relative to the previous call.</summary>
    public long Unwrap(ushort sequenceNumber)
    {
        if (!_started)
        {
            _started = true;
            _last = sequenceNumber;
            return _last;
        }

        var previous = new SequenceNumber(unchecked((ushort)_last));
        // A late packet from before the first one unwraps below zero; that is its true position, and moving it
        // a cycle ahead instead would shift every later packet too.
        var unwrapped = _last + SequenceNumber.Distance(previous, new SequenceNumber(sequenceNumber));
        _last = unwrapped;
        return unwrapped;
    }
}
