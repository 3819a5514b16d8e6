namespace Serverless.WebRtc.Media;

/// <summary>A paced stream threw from its tick and was unregistered.</summary>
internal sealed class PacedStreamFaultEventArgs(IPacedStream stream, Exception exception) : EventArgs
{
    public IPacedStream Stream { get; } = stream;

    public Exception Exception { get; } = exception;
}
