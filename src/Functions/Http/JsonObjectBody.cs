using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Serverless.Functions.Http;

/// <summary>
/// The first step of every hand-read API body: well-formed JSON whose root is an object, or the reason it is not
/// (a 400 <c>invalid-json</c> problem, never a 500 from model binding).
/// </summary>
internal static class JsonObjectBody
{
    /// <summary>Parses <paramref name="body"/>; the caller disposes <paramref name="document"/>.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, [NotNullWhen(true)] out JsonDocument? document, [NotNullWhen(false)] out string? problem)
    {
        document = null;
        try
        {
            var reader = new Utf8JsonReader(body);
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException)
        {
            problem = "The body is not well-formed JSON.";
            return false;
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            document = null;
            problem = "The body must be a JSON object.";
            return false;
        }

        problem = null;
        return true;
    }
}
