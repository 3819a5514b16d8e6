using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serverless.Shared.WhatsApp.Graph.Models;

/// <summary>
/// Unix-seconds timestamps. Meta sends them as numbers in Graph responses and as strings in webhooks,
/// so both are read; numbers are written.
/// </summary>
public sealed class UnixSecondsConverter : JsonConverter<DateTimeOffset>
{
    /// <inheritdoc />
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        long seconds;
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out seconds))
        {
            return DateTimeOffset.FromUnixTimeSeconds(seconds);
        }

        if (reader.TokenType == JsonTokenType.String
            && long.TryParse(reader.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out seconds))
        {
            return DateTimeOffset.FromUnixTimeSeconds(seconds);
        }

        throw new JsonException("Expected Unix seconds as a number or a string of digits.");
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteNumberValue(value.ToUnixTimeSeconds());
    }
}
