namespace Serverless.WebRtc.Sdp;

/// <summary>A remote offer we cannot answer (no audio section, no Opus, not DTLS-SRTP, ...).</summary>
internal sealed class SdpNegotiationException : Exception
{
    public SdpNegotiationException()
    {
    }

    public SdpNegotiationException(string message)
        : base(message)
    {
    }

    public SdpNegotiationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
