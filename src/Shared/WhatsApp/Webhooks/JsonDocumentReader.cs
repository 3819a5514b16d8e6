using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Unicode;

namespace Serverless.Shared.WhatsApp.Webhooks;

/// <summary>Turns UTF-8 bytes into a <see cref="JsonDocument"/> or a typed failure, without letting exceptions escape.</summary>
internal static class JsonDocumentReader
{
    /// <summary>
    /// Parses exactly one JSON value (RFC 8259 §2: no comments, no trailing commas, nothing after the value).
    /// A first pass checks syntax and depth so the two failures can be told apart; the second builds the document.
    /// </summary>
    public static bool TryParse(
        ReadOnlySpan<byte> utf8,
        int maxDepth,
        [NotNullWhen(true)] out JsonDocument? document,
        [NotNullWhen(false)] out WebhookParseError? error)
    {
        document = null;
        if (!Utf8.IsValid(utf8))
        {
            error = new WebhookParseError(WebhookParseErrorKind.NotUtf8, "The body is not valid UTF-8.");
            return false;
        }

        // One level of slack so our own depth check sees the offending token before the reader throws on it.
        var options = new JsonReaderOptions { MaxDepth = maxDepth + 1, CommentHandling = JsonCommentHandling.Disallow };
        var scanner = new Utf8JsonReader(utf8, options);
        try
        {
            while (scanner.Read())
            {
                if (scanner.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && scanner.CurrentDepth >= maxDepth)
                {
                    error = new WebhookParseError(
                        WebhookParseErrorKind.TooDeep,
                        $"Nesting exceeds {maxDepth} levels at byte {scanner.TokenStartIndex}.");
                    return false;
                }

                if (scanner.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && !HasWellFormedEscapes(ref scanner))
                {
                    error = new WebhookParseError(
                        WebhookParseErrorKind.NotJson,
                        $"Unpaired surrogate escape at byte {scanner.TokenStartIndex} (RFC 8259 §8.2).");
                    return false;
                }
            }

            var reader = new Utf8JsonReader(utf8, options);
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            // The exception text can quote the body; report only the position.
            error = new WebhookParseError(
                WebhookParseErrorKind.NotJson,
                $"Malformed JSON at line {e.LineNumber}, byte {e.BytePositionInLine}.");
            return false;
        }

        error = null;
        return true;
    }

    // RFC 8259 §8.2 allows "\uD800" in the grammar but leaves its meaning open; System.Text.Json throws when asked
    // for such a string, and property lookup throws when it meets such a name. Refusing the body here keeps every
    // later read exception-free. Only escaped tokens that mention a \uD…/\ud… escape pay for the check.
    private static bool HasWellFormedEscapes(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped || !MentionsSurrogateEscape(reader.ValueSpan))
        {
            return true;
        }

        try
        {
            _ = reader.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static bool MentionsSurrogateEscape(ReadOnlySpan<byte> raw)
    {
        for (var i = raw.IndexOf("\\u"u8); i >= 0 && i + 3 < raw.Length; i = NextEscape(raw, i))
        {
            // \uD800..\uDFFF: first hex digit D, second 8..F.
            if (raw[i + 2] is (byte)'d' or (byte)'D' && raw[i + 3] is (>= (byte)'8' and <= (byte)'9') or (>= (byte)'a' and <= (byte)'f') or (>= (byte)'A' and <= (byte)'F'))
            {
                return true;
            }
        }

        return false;
    }

    private static int NextEscape(ReadOnlySpan<byte> raw, int from)
    {
        var next = raw[(from + 2)..].IndexOf("\\u"u8);
        return next < 0 ? -1 : from + 2 + next;
    }
}
