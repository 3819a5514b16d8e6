namespace Serverless.MediaNode.Recording;

/// <summary>header_type_flag bits of an Ogg page (RFC 3533 §6).</summary>
[Flags]
public enum OggHeaderType : byte
{
    None = 0,

    /// <summary>The page starts with the rest of a packet begun on the previous page.</summary>
    Continued = 0x01,

    /// <summary>First page of the logical bitstream.</summary>
    BeginningOfStream = 0x02,

    /// <summary>Last page of the logical bitstream.</summary>
    EndOfStream = 0x04,
}
