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
}
