namespace Serverless.WebRtc.Media;

public enum ReceiveMode
{
    /// <summary>Jitter buffer and Opus decoder: PCM through <see cref="AudioReceiveStream.ReadFrame"/>.</summary>
    Decode,

    /// <summary>
    /// No decoder is even created (no Opus CPU): packets only reach
    /// <see cref="AudioReceiveStream.OpusPacketReceived"/>, e.g. for Ogg Opus recording without re-encoding.
    /// </summary>
    PacketsOnly,
}
