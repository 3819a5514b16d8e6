using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Serverless.Functions.Http;

/// <summary>
/// The fingerprint an Idempotency-Key is stored with: SHA-256 of the body's canonical JSON (object members sorted by
/// name, no whitespace), so a retry that only reorders or re-indents the same request still matches, while the same key
/// with a different request is told apart (answered 422, as Stripe does, instead of silently returning the first call).
/// </summary>
public static class RequestFingerprint
{
    /// <summary>Hex SHA-256 of the canonical form of <paramref name="jsonBody"/>, which must be well-formed JSON.</summary>
    public static string Of(ReadOnlySpan<byte> jsonBody)
    {
        var reader = new Utf8JsonReader(jsonBody);
        using var document = JsonDocument.ParseValue(ref reader);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false, SkipValidation = false }))
        {
            WriteCanonical(document.RootElement, writer);
        }

        return Convert.ToHexString(SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
    }

    private static void WriteCanonical(JsonElement element, Utf8JsonWriter writer)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                // Ordinal order of the decoded names (the dial parsers have already refused names that cannot decode).
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    WriteCanonical(property.Value, writer);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    WriteCanonical(item, writer);
                }

                writer.WriteEndArray();
                break;
            default:
                // Strings are re-encoded from their value, so "\u0041" and "A" fingerprint alike; numbers keep their text.
                element.WriteTo(writer);
                break;
        }
    }

    /// <summary>The same key was first used with another request.</summary>
    public static Microsoft.AspNetCore.Mvc.ObjectResult Mismatch(string header) => Problems.Create(
        Microsoft.AspNetCore.Http.StatusCodes.Status422UnprocessableEntity, ProblemTypes.IdempotencyKeyReused,
        $"This {header} was already used with a different request.",
        "Send a new key for a new request; a retry must repeat the first request's body.");
}
