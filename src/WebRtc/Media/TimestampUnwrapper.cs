namespace Serverless.WebRtc.Media;

/// <summary>Extends 32-bit RTP timestamps to 64 bits, each placed nearest the previous one (wrap-aware).</summary>
internal sealed class TimestampUnwrapper
{
    private long _last;
    private bool _started;

    public long Unwrap(uint timestamp)
    {
        if (!_started)
        {
            _started = true;
            _last = timestamp;
            return _last;
        }

        _last += unchecked((int)(timestamp - (uint)_last));
        return _last;
    }
}
