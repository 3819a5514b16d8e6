using System.Globalization;
using System.Text.Json;

namespace Serverless.Shared.WhatsApp.Webhooks;

/// <summary>
/// Lenient, non-throwing field reads on <see cref="JsonElement"/>. A field of the wrong type reads as absent,
/// which is how unknown or changed fields are tolerated.
/// </summary>
internal static class JsonFields
{
    // Unix seconds that DateTimeOffset can hold (0001-01-01 .. 9999-12-31).
    private const long MinUnixSeconds = -62_135_596_800;
    private const long MaxUnixSeconds = 253_402_300_799;

    public static bool TryGet(JsonElement obj, string name, JsonValueKind kind, out JsonElement value)
    {
        if (obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out value) && value.ValueKind == kind)
        {
            return true;
        }

        value = default;
        return false;
    }

    public static JsonElement? Object(JsonElement obj, string name) =>
        TryGet(obj, name, JsonValueKind.Object, out var value) ? value : null;

    public static JsonElement? Array(JsonElement obj, string name) =>
        TryGet(obj, name, JsonValueKind.Array, out var value) ? value : null;

    /// <summary>A string field, or null if absent, not a string, or not representable as UTF-16.</summary>
    public static string? String(JsonElement obj, string name) =>
        TryGet(obj, name, JsonValueKind.String, out var value) ? AsString(value) : null;

    /// <summary>A string field that is present and not empty.</summary>
    public static string? NonEmptyString(JsonElement obj, string name) =>
        String(obj, name) is { Length: > 0 } text ? text : null;

    // Safe: JsonDocumentReader refuses bodies with strings that cannot become UTF-16.
    public static string? AsString(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>An integer given as a JSON number or as a string of ASCII digits (Meta uses both).</summary>
    public static long? Int64(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt64(out var number) => number,
            JsonValueKind.String when long.TryParse(
                AsString(value), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => null,
        };
    }

    public static int? Int32(JsonElement obj, string name) =>
        Int64(obj, name) is { } value && value is >= int.MinValue and <= int.MaxValue ? (int)value : null;

    /// <summary>A Unix-seconds timestamp (string or number), or null if absent or out of range.</summary>
    public static DateTimeOffset? UnixSeconds(JsonElement obj, string name) =>
        Int64(obj, name) is { } seconds && seconds is >= MinUnixSeconds and <= MaxUnixSeconds
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    /// <summary>A whole, non-negative number of seconds (number or string).</summary>
    public static TimeSpan? Seconds(JsonElement obj, string name) =>
        Int32(obj, name) is { } seconds && seconds >= 0 ? TimeSpan.FromSeconds(seconds) : null;

    /// <summary>A boolean given as JSON true/false or as the strings "true"/"false".</summary>
    public static bool? Boolean(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String when bool.TryParse(AsString(value), out var parsed) => parsed,
            _ => null,
        };
    }

    public static bool Is(string? text, string expected) =>
        text is not null && string.Equals(text.Trim(), expected, StringComparison.OrdinalIgnoreCase);
}
