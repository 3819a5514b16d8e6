namespace Serverless.WebRtc.Media;

internal sealed record AudioReceiveStreamOptions
{
    /// <summary>Negotiated Opus payload type.</summary>
    public byte PayloadType { get; init; } = OpusCodec.DefaultPayloadType;

    /// <summary>Negotiated telephone-event payload type, when any.</summary>
    public byte? TelephoneEventPayloadType { get; init; }

    /// <summary>Expected remote SSRC; when null the first packet's SSRC is adopted.</summary>
    public uint? RemoteSsrc { get; init; }

    public ReceiveMode Mode { get; init; } = ReceiveMode.Decode;

    public JitterBufferOptions JitterBuffer { get; init; } = new();

    /// <summary>After the buffer runs dry, conceal this many frames before falling back to silence.</summary>
    public int MaxConcealedUnderrunFrames { get; init; } = 5;
}
