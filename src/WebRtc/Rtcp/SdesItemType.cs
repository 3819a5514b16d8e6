namespace Serverless.WebRtc.Rtcp;

/// <summary>SDES item types (RFC 3550 §6.5, §12.2). Unknown values are kept as they are.</summary>
internal enum SdesItemType : byte
{
    /// <summary>END: terminates a chunk's item list; never an item itself.</summary>
    End = 0,

    /// <summary>CNAME, canonical end-point identifier (§6.5.1); the one item every compound packet carries.</summary>
    CanonicalName = 1,

    /// <summary>NAME, user name (§6.5.2).</summary>
    Name = 2,

    /// <summary>EMAIL (§6.5.3).</summary>
    Email = 3,

    /// <summary>PHONE (§6.5.4).</summary>
    Phone = 4,

    /// <summary>LOC, geographic location (§6.5.5).</summary>
    Location = 5,

    /// <summary>TOOL, application name (§6.5.6).</summary>
    Tool = 6,

    /// <summary>NOTE (§6.5.7).</summary>
    Note = 7,

    /// <summary>PRIV, private extension: prefix length, prefix, value, all inside the text (§6.5.8).</summary>
    Private = 8,
}
