using Serverless.WebRtc.Rtp;

namespace Serverless.WebRtc.Media;

/// <summary>
/// Turns received telephone-event packets into digits, each ONCE. An event is identified by its RTP
/// timestamp (RFC 4733 §2.5.1.2: all packets of one event carry its start timestamp) and the end packet is
/// sent three times (§2.5.1.4), so the first packet of a new timestamp raises the digit and every later
/// packet of that event, or of an older one arriving out of order, is ignored.
/// Not thread-safe: called from the receive path.
/// </summary>
internal sealed class DtmfDetector
{
    private bool _any;
    private uint _lastTimestamp;

    public event EventHandler<DtmfDigitEventArgs>? DigitReceived;

    public long DigitsDetected { get; private set; }

    /// <summary>Packets whose payload was not a valid event list.</summary>
    public long MalformedPackets { get; private set; }

    /// <summary>Processes one telephone-event payload; returns true when it raised a new digit.</summary>
    public bool Process(uint rtpTimestamp, ReadOnlySpan<byte> payload)
    {
        if (!TelephoneEvent.TryParse(payload, out var telephoneEvent))
        {
            MalformedPackets++;
            return false;
        }

        // Serial-number comparison (RFC 1982 style) so the 32-bit timestamp may wrap.
        if (_any && unchecked((int)(rtpTimestamp - _lastTimestamp)) <= 0)
        {
            return false;
        }

        if (!TelephoneEvent.TryGetDtmfCharacter(telephoneEvent.EventCode, out var digit))
        {
            // A non-DTMF event (e.g. a line tone) still claims its timestamp.
            _any = true;
            _lastTimestamp = rtpTimestamp;
            return false;
        }

        _any = true;
        _lastTimestamp = rtpTimestamp;
        DigitsDetected++;
        DigitReceived?.Invoke(this, new DtmfDigitEventArgs(digit, rtpTimestamp, telephoneEvent.Volume));
        return true;
    }
}
