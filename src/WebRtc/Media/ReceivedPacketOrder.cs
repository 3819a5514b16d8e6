namespace Serverless.WebRtc.Media;

/// <summary>How a received sequence number relates to what came before (RFC 3550 Appendix A.1).</summary>
internal enum ReceivedPacketOrder
{
    /// <summary>Newer than every earlier packet (possibly after a gap).</summary>
    InOrder,

    /// <summary>Older than the highest received so far, not seen before.</summary>
    Reordered,

    /// <summary>Already received.</summary>
    Duplicate,

    /// <summary>
    /// A jump of more than MAX_DROPOUT: not counted until the next packet confirms it (then the source
    /// state restarts), as A.1 prescribes for a restarted sender.
    /// </summary>
    Discarded,
}
