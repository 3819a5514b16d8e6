namespace Serverless.WebRtc.Media;

internal enum JitterFrameKind
{
    /// <summary>Nothing to play: playout has not started, or it ran dry and is buffering again.</summary>
    None,

    /// <summary>The packet for this 20 ms slot.</summary>
    Packet,

    /// <summary>
    /// The packet for this slot is missing while later ones exist: conceal it, from the next packet's FEC
    /// when <see cref="JitterFrame.Next"/> is not empty.
    /// </summary>
    Missing,

    /// <summary>No packet is due: the playout delay is growing by one frame. Conceal without counting a loss.</summary>
    Stretch,
}
