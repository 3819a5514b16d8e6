namespace Serverless.WebRtc.Media;

/// <summary>What <see cref="AudioReceiveStream.ReadFrame"/> produced for one 20 ms frame.</summary>
public enum AudioFrameKind
{
    /// <summary>Nothing received yet (or long dry): zeros.</summary>
    Silence,

    /// <summary>The packet for this slot, decoded.</summary>
    Decoded,

    /// <summary>A lost packet rebuilt from the next packet's in-band FEC.</summary>
    FecRecovered,

    /// <summary>A lost packet concealed by PLC (no next packet to take FEC from).</summary>
    Concealed,

    /// <summary>
    /// No packet was due (buffer ran dry, or the playout delay grew): a concealed frame that stands for no
    /// sent frame.
    /// </summary>
    Underrun,
}
