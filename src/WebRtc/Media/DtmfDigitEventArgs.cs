namespace Serverless.WebRtc.Media;

/// <summary>A DTMF digit received (RFC 4733), raised once per event.</summary>
internal sealed class DtmfDigitEventArgs(char digit, uint rtpTimestamp, byte volume) : EventArgs
{
    /// <summary>0-9, *, #, A-D.</summary>
    public char Digit { get; } = digit;

    /// <summary>The event's RTP timestamp (its start), which identifies it (RFC 4733 §2.5.1.4).</summary>
    public uint RtpTimestamp { get; } = rtpTimestamp;

    /// <summary>Power as -dBm0.</summary>
    public byte Volume { get; } = volume;
}
