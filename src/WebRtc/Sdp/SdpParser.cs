using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Unicode;

namespace Serverless.WebRtc.Sdp;

/// <summary>
/// RFC 8866 parser. Input is untrusted (it arrives in Meta's webhook), so it is bounded by
/// <see cref="SdpLimits"/> and every failure is a typed <see cref="SdpParseError"/>, never another exception.
/// Accepts CRLF or bare LF, trailing whitespace and trailing blank lines. Enforces <c>v= o= s=</c> as the
/// first three lines (RFC 8866 §5), <c>t=</c> before media, <c>r=</c> only after <c>t=</c>, and single
/// <c>i= u= c= z= k=</c> per level; other session-level lines may come in any order (they are written back in
/// canonical order). Lines of unknown type are kept (RFC 8866 §5 says to ignore them; we keep them to relay).
/// </summary>
internal static class SdpParser
{
    public static SessionDescription Parse(string text) =>
        TryParse(text, out var sdp, out var error) ? sdp : throw new SdpParseException(error);

    /// <summary>
    /// Parses UTF-8 bytes (RFC 8866 §5: SDP text is UTF-8 by default). Invalid UTF-8 is an
    /// <see cref="SdpParseErrorKind.InvalidCharacter"/> failure; the length bound applies to the bytes.
    /// </summary>
    public static bool TryParse(
        ReadOnlySpan<byte> utf8,
        [NotNullWhen(true)] out SessionDescription? sdp,
        [NotNullWhen(false)] out SdpParseError? error)
    {
        sdp = null;
        if (utf8.Length > SdpLimits.MaxLength)
        {
            error = new SdpParseError(SdpParseErrorKind.TooLong, 0, $"The SDP exceeds {SdpLimits.MaxLength} bytes.");
            return false;
        }

        if (!Utf8.IsValid(utf8))
        {
            error = new SdpParseError(SdpParseErrorKind.InvalidCharacter, 0, "The SDP is not valid UTF-8.");
            return false;
        }

        return TryParse(Encoding.UTF8.GetString(utf8), out sdp, out error);
    }

    public static bool TryParse(
        string? text,
        [NotNullWhen(true)] out SessionDescription? sdp,
        [NotNullWhen(false)] out SdpParseError? error)
    {
        sdp = null;
        if (!TrySplitLines(text, out var lines, out error))
        {
            return false;
        }

        var reader = new SdpLineReader();
        for (var i = 0; i < lines.Count; i++)
        {
            if (!reader.Accept(lines[i], i + 1, out error))
            {
                return false;
            }
        }

        return reader.TryFinish(lines.Count, out sdp, out error);
    }

    private static bool TrySplitLines(string? text, out List<string> lines, [NotNullWhen(false)] out SdpParseError? error)
    {
        lines = [];
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = new SdpParseError(SdpParseErrorKind.Empty, 0, "The SDP is empty.");
            return false;
        }

        if (text.Length > SdpLimits.MaxLength)
        {
            error = new SdpParseError(SdpParseErrorKind.TooLong, 0, $"The SDP exceeds {SdpLimits.MaxLength} characters.");
            return false;
        }

        var pos = 0;
        while (pos < text.Length)
        {
            var newline = text.IndexOf('\n', pos);
            var end = newline < 0 ? text.Length : newline;
            if (lines.Count == SdpLimits.MaxLines)
            {
                error = new SdpParseError(SdpParseErrorKind.TooManyLines, lines.Count + 1, $"More than {SdpLimits.MaxLines} lines.");
                return false;
            }

            var line = text.AsSpan(pos, end - pos);
            if (line.EndsWith("\r"))
            {
                line = line[..^1];
            }

            line = line.TrimEnd(" \t");
            if (line.Length > SdpLimits.MaxLineLength)
            {
                error = new SdpParseError(SdpParseErrorKind.LineTooLong, lines.Count + 1, $"Line exceeds {SdpLimits.MaxLineLength} characters.");
                return false;
            }

            lines.Add(line.ToString());
            pos = end + 1;
        }

        // A final CRLF and any trailing blank lines are tolerated.
        while (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        return true;
    }
}
