namespace Serverless.WebRtc.Media;

internal enum JitterBufferInsertResult
{
    /// <summary>Stored for playout.</summary>
    Stored,

    /// <summary>A packet for the same frame is already buffered.</summary>
    Duplicate,

    /// <summary>Its frame was already played out (or concealed).</summary>
    TooLate,

    /// <summary>Empty or larger than an Opus packet can be.</summary>
    Invalid,
}
