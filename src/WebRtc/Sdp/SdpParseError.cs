namespace Serverless.WebRtc.Sdp;

/// <summary>Why an SDP was rejected.</summary>
public enum SdpParseErrorKind
{
    /// <summary>Null, empty or whitespace-only input.</summary>
    Empty,

    /// <summary>Input longer than <see cref="SdpLimits.MaxLength"/>.</summary>
    TooLong,

    /// <summary>More lines than <see cref="SdpLimits.MaxLines"/>.</summary>
    TooManyLines,

    /// <summary>A line longer than <see cref="SdpLimits.MaxLineLength"/>.</summary>
    LineTooLong,

    /// <summary>More <c>m=</c> sections than <see cref="SdpLimits.MaxMediaSections"/>.</summary>
    TooManyMediaSections,

    /// <summary>NUL or a bare CR inside a line (RFC 8866 §9 <c>byte-string</c>).</summary>
    InvalidCharacter,

    /// <summary>Not <c>&lt;letter&gt;=&lt;value&gt;</c>, or a blank line inside the description.</summary>
    MalformedLine,

    /// <summary>The first line is not <c>v=</c> (RFC 8866 §5).</summary>
    MissingVersion,

    /// <summary><c>v=</c> is not 0 (RFC 8866 §5.1).</summary>
    UnsupportedVersion,

    MissingOrigin,
    InvalidOrigin,
    MissingSessionName,

    /// <summary>No <c>t=</c> before the first media section (RFC 8866 §5: one or more time descriptions).</summary>
    MissingTiming,

    InvalidTiming,

    /// <summary>A line type where it may not appear (e.g. <c>r=</c> without <c>t=</c>, <c>t=</c> in a media section).</summary>
    MisplacedLine,

    /// <summary>A second copy of a line allowed once per level (<c>i= u= c= z= k=</c> at session level).</summary>
    DuplicateLine,

    InvalidConnection,
    InvalidBandwidth,
    InvalidMediaLine,
    InvalidAttribute,
}

/// <summary>A parse failure: what, on which 1-based line (0 when it concerns the whole input), and why.</summary>
internal sealed record SdpParseError(SdpParseErrorKind Kind, int LineNumber, string Message)
{
    public override string ToString() => $"SDP {Kind} at line {LineNumber}: {Message}";
}

/// <summary>Thrown by <see cref="SdpParser.Parse"/>; carries the typed <see cref="SdpParseError"/>.</summary>
internal sealed class SdpParseException : FormatException
{
    public SdpParseException()
        : this(new SdpParseError(SdpParseErrorKind.Empty, 0, "No SDP."))
    {
    }

    public SdpParseException(string message)
        : base(message)
    {
        Error = new SdpParseError(SdpParseErrorKind.MalformedLine, 0, message);
    }

    public SdpParseException(string message, Exception innerException)
        : base(message, innerException)
    {
        Error = new SdpParseError(SdpParseErrorKind.MalformedLine, 0, message);
    }

    public SdpParseException(SdpParseError error)
        : base(error?.ToString())
    {
        ArgumentNullException.ThrowIfNull(error);
        Error = error;
    }

    public SdpParseError Error { get; }
}

/// <summary>
/// Bounds for untrusted input. Real WhatsApp/browser SDPs are 1-6 KB with well under 100 lines; the limits
/// leave ample room while capping the work a hostile webhook body can cause.
/// </summary>
internal static class SdpLimits
{
    public const int MaxLength = 256 * 1024;
    public const int MaxLines = 4096;
    public const int MaxLineLength = 4096;
    public const int MaxMediaSections = 32;
}
