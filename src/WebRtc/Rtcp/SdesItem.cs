namespace Serverless.WebRtc.Rtcp;

/// <summary>One SDES item: type and its text (UTF-8, at most 255 bytes), a view into the packet.</summary>
internal readonly ref struct SdesItem
{
    /// <summary>Creates an item view.</summary>
    public SdesItem(SdesItemType type, ReadOnlySpan<byte> text)
    {
        Type = type;
        Text = text;
    }

    /// <summary>Item type.</summary>
    public SdesItemType Type { get; }

    /// <summary>Item text as sent (not NUL-terminated).</summary>
    public ReadOnlySpan<byte> Text { get; }
}
