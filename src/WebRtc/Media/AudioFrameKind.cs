namespace Serverless.WebRtc.Media;

/// <summary>What <see cref="AudioReceiveStream.ReadFrame"/> produced for one 20 ms frame.</summary>
public enum AudioFrameKind
{
    /// <summary>Nothing received yet (or long dry): zeros.</summary>
    Silence,

    /// <summary>The packet for this slot, decoded.</summary>
    Decoded,

    /// <summary>A lost packet rebuilt from the next packet's in-band FEC (LBRR) data.</summary>
    FecRecovered,

    /// <summary>
    /// A lost packet concealed by PLC: no next packet, or one without LBRR (SILK codes LBRR only for frames its
    /// VAD deems active, and CELT-only packets have none).
    /// </summary>
    Concealed,

    /// <summary>
    /// No packet was due (buffer ran dry, or the playout delay grew): a concealed frame that stands for no
    /// sent frame.
    /// </summary>
    Underrun,
}
