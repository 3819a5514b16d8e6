namespace Serverless.WebRtc.Rtp;

/// <summary>One RFC 8285 header extension element: its local id and its data (a view into the packet).</summary>
internal readonly ref struct RtpExtensionElement
{
    /// <summary>Creates an element view.</summary>
    public RtpExtensionElement(byte id, ReadOnlySpan<byte> data)
    {
        Id = id;
        Data = data;
    }

    /// <summary>Local identifier negotiated with <c>a=extmap</c>.</summary>
    public byte Id { get; }

    /// <summary>Element data.</summary>
    public ReadOnlySpan<byte> Data { get; }
}
