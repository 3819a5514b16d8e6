namespace Serverless.WebRtc.Media;

/// <summary>One playout step. Spans point into the buffer and are valid until the next call on it.</summary>
internal readonly ref struct JitterFrame
{
    public JitterFrameKind Kind { get; init; }

    /// <summary>RTP timestamp of the slot.</summary>
    public uint Timestamp { get; init; }

    /// <summary>The Opus packet (for <see cref="JitterFrameKind.Packet"/>).</summary>
    public ReadOnlySpan<byte> Payload { get; init; }

    /// <summary>For a missing slot, the packet of the following slot if buffered (carries FEC for this one).</summary>
    public ReadOnlySpan<byte> Next { get; init; }
}
