using System.Diagnostics.CodeAnalysis;

namespace Serverless.WebRtc.Sdp;

/// <summary>
/// The parser's state machine: line 1 <c>v=</c>, line 2 <c>o=</c>, line 3 <c>s=</c>, then session lines
/// until the first <c>m=</c>, then media-level lines, each <c>m=</c> opening a new section.
/// </summary>
internal sealed class SdpLineReader
{
    private SessionDescription? _sdp;
    private SdpOrigin? _origin;
    private MediaDescription? _media;
    private char _previousType;
    private readonly HashSet<char> _seenOnce = [];

    public bool Accept(string line, int lineNumber, [NotNullWhen(false)] out SdpParseError? error)
    {
        error = null;
        if (line.AsSpan().IndexOfAny('\0', '\r') >= 0)
        {
            return Fail(SdpParseErrorKind.InvalidCharacter, lineNumber, "NUL or bare CR inside a line.", out error);
        }

        if (line.Length < 2 || line[1] != '=' || line[0] is < 'a' or > 'z')
        {
            return Fail(SdpParseErrorKind.MalformedLine, lineNumber, "Expected <type>=<value>.", out error);
        }

        var type = line[0];
        var value = line[2..];
        var ok = lineNumber switch
        {
            1 => AcceptVersion(type, value, out error),
            2 => AcceptOrigin(type, value, out error),
            3 => AcceptSessionName(type, value, out error),
            _ when _media is null && type != 'm' => AcceptSessionLine(type, value, out error),
            _ => AcceptMediaLine(type, value, out error),
        };
        if (error is not null && error.LineNumber == 0)
        {
            error = error with { LineNumber = lineNumber };
        }

        _previousType = type;
        return ok;
    }

    public bool TryFinish(int lineCount, [NotNullWhen(true)] out SessionDescription? sdp, [NotNullWhen(false)] out SdpParseError? error)
    {
        sdp = null;
        error = null;
        if (_sdp is null)
        {
            var kind = _origin is null ? SdpParseErrorKind.MissingOrigin : SdpParseErrorKind.MissingSessionName;
            return Fail(kind, lineCount + 1, "The SDP ends before v=, o= and s=.", out error);
        }

        if (_sdp.Timings.Count == 0)
        {
            return Fail(SdpParseErrorKind.MissingTiming, lineCount + 1, "No t= line.", out error);
        }

        sdp = _sdp;
        return true;
    }

    private static bool AcceptVersion(char type, string value, [NotNullWhen(false)] out SdpParseError? error)
    {
        error = null;
        if (type != 'v')
        {
            return Fail(SdpParseErrorKind.MissingVersion, 0, "The first line must be v=.", out error);
        }

        return value == "0" || Fail(SdpParseErrorKind.UnsupportedVersion, 0, "Only v=0 is defined.", out error);
    }

    private bool AcceptOrigin(char type, string value, [NotNullWhen(false)] out SdpParseError? error)
    {
        error = null;
        if (type != 'o')
        {
            return Fail(SdpParseErrorKind.MissingOrigin, 0, "The second line must be o=.", out error);
        }

        return SdpOrigin.TryParse(value, out _origin)
            || Fail(SdpParseErrorKind.InvalidOrigin, 0, "Malformed o= line.", out error);
    }

    private bool AcceptSessionName(char type, string value, [NotNullWhen(false)] out SdpParseError? error)
    {
        error = null;
        if (type != 's')
        {
            return Fail(SdpParseErrorKind.MissingSessionName, 0, "The third line must be s=.", out error);
        }

        _sdp = new SessionDescription(_origin!, value);
        return true;
    }

    private bool AcceptSessionLine(char type, string value, [NotNullWhen(false)] out SdpParseError? error)
    {
        error = null;
        var sdp = _sdp!;
        if (type is 'i' or 'u' or 'c' or 'z' or 'k' && !_seenOnce.Add(type))
        {
            return Fail(SdpParseErrorKind.DuplicateLine, 0, $"Second session-level {type}= line.", out error);
        }

        switch (type)
        {
            case 'v' or 'o' or 's':
                return Fail(SdpParseErrorKind.MisplacedLine, 0, $"{type}= may appear only once, at the top.", out error);
            case 'i':
                sdp.Information = value;
                return true;
            case 'u':
                sdp.Uri = value;
                return true;
            case 'e':
                sdp.Emails.Add(value);
                return true;
            case 'p':
                sdp.Phones.Add(value);
                return true;
            case 'c':
                if (!SdpConnection.TryParse(value, out var connection))
                {
                    return Fail(SdpParseErrorKind.InvalidConnection, 0, "Malformed c= line.", out error);
                }

                sdp.Connection = connection;
                return true;
            case 't':
                if (!SdpTiming.TryParse(value, out var timing))
                {
                    return Fail(SdpParseErrorKind.InvalidTiming, 0, "Malformed t= line.", out error);
                }

                sdp.Timings.Add(timing);
                return true;
            case 'r':
                // RFC 8866 §5.10: repeat times belong to the time description just before them.
                if (_previousType is not ('t' or 'r') || value.Length == 0)
                {
                    return Fail(SdpParseErrorKind.MisplacedLine, 0, "r= must follow t= or r=.", out error);
                }

                sdp.Timings[^1].Repeats.Add(value);
                return true;
            case 'z':
                sdp.TimeZones = value;
                return true;
            default:
                return AcceptCommon(sdp, type, value, out error);
        }
    }

    private bool AcceptMediaLine(char type, string value, [NotNullWhen(false)] out SdpParseError? error)
    {
        error = null;
        if (type == 'm')
        {
            return AcceptMediaStart(value, out error);
        }

        var media = _media!;
        switch (type)
        {
            case 'i':
                if (media.Title is not null)
                {
                    return Fail(SdpParseErrorKind.DuplicateLine, 0, "Second i= in a media section.", out error);
                }

                media.Title = value;
                return true;
            case 'c':
                if (!SdpConnection.TryParse(value, out var connection))
                {
                    return Fail(SdpParseErrorKind.InvalidConnection, 0, "Malformed c= line.", out error);
                }

                media.Connections.Add(connection);
                return true;
            case 'v' or 'o' or 's' or 'u' or 'e' or 'p' or 't' or 'r' or 'z':
                return Fail(SdpParseErrorKind.MisplacedLine, 0, $"{type}= is session-level only.", out error);
            default:
                return AcceptCommon(media, type, value, out error);
        }
    }

    private bool AcceptMediaStart(string value, [NotNullWhen(false)] out SdpParseError? error)
    {
        error = null;
        var sdp = _sdp!;
        if (sdp.Timings.Count == 0)
        {
            return Fail(SdpParseErrorKind.MissingTiming, 0, "No t= line before the first m= line.", out error);
        }

        if (sdp.Media.Count == SdpLimits.MaxMediaSections)
        {
            return Fail(SdpParseErrorKind.TooManyMediaSections, 0, $"More than {SdpLimits.MaxMediaSections} m= sections.", out error);
        }

        if (!MediaLine.TryParse(value, out var media))
        {
            return Fail(SdpParseErrorKind.InvalidMediaLine, 0, "Malformed m= line.", out error);
        }

        sdp.Media.Add(media);
        _media = media;
        return true;
    }

    private static bool AcceptCommon(SdpSection section, char type, string value, [NotNullWhen(false)] out SdpParseError? error)
    {
        error = null;
        switch (type)
        {
            case 'b':
                if (!SdpBandwidth.TryParse(value, out var bandwidth))
                {
                    return Fail(SdpParseErrorKind.InvalidBandwidth, 0, "Malformed b= line.", out error);
                }

                section.Bandwidths.Add(bandwidth);
                return true;
            case 'k':
                if (section.EncryptionKey is not null)
                {
                    return Fail(SdpParseErrorKind.DuplicateLine, 0, "Second k= line.", out error);
                }

                section.EncryptionKey = value;
                return true;
            case 'a':
                if (!SdpAttributeLine.TryParse(value, out var attribute))
                {
                    return Fail(SdpParseErrorKind.InvalidAttribute, 0, "Malformed a= line.", out error);
                }

                section.Attributes.Add(attribute);
                return true;
            default:
                section.OtherLines.Add(new SdpLine(type, value));
                return true;
        }
    }

    private static bool Fail(SdpParseErrorKind kind, int lineNumber, string message, [NotNullWhen(false)] out SdpParseError? error)
    {
        error = new SdpParseError(kind, lineNumber, message);
        return false;
    }
}
