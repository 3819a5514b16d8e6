namespace Serverless.WebRtc.Sdp;

/// <summary>
/// A line whose type letter this model has no field for (e.g. a future type). RFC 8866 §5 says such
/// lines are ignored by parsers; we keep them so a relayed SDP re-emits them verbatim.
/// </summary>
internal sealed record SdpLine
{
    public SdpLine(char type, string value)
    {
        if (type is < 'a' or > 'z')
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, "SDP line types are one lowercase letter.");
        }

        ArgumentNullException.ThrowIfNull(value);
        if (!SdpLineText.IsValidValue(value))
        {
            throw new ArgumentException("Line value must not contain NUL, CR or LF.", nameof(value));
        }

        Type = type;
        Value = value;
    }

    public char Type { get; }

    public string Value { get; }

    public override string ToString() => Type + "=" + Value;
}
