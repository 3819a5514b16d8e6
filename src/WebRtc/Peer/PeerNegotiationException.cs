namespace Serverless.WebRtc.Peer;

/// <summary>A remote description we cannot use, with the reason in the message.</summary>
public sealed class PeerNegotiationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PeerNegotiationException()
    {
    }

    /// <summary>Creates the exception with a reason.</summary>
    public PeerNegotiationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a reason and its cause.</summary>
    public PeerNegotiationException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
