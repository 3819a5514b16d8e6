using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serverless.Shared.WhatsApp.Graph.Models;

/// <summary>
/// Maps an enum to Meta's wire strings. Reading is case-insensitive (Meta's docs mix cases) and
/// tolerant: an unknown string becomes the enum's zero value (<c>Unknown</c>), so a value Meta adds
/// later does not break parsing a whole response. Writing the zero value is refused: we never send
/// Meta a value we could not name.
/// </summary>
public abstract class WireEnumConverter<TEnum> : JsonConverter<TEnum>
    where TEnum : struct, Enum
{
    private readonly (string Wire, TEnum Value)[] _map;

    /// <summary>Creates the converter from its wire-name table.</summary>
    protected WireEnumConverter(params (string Wire, TEnum Value)[] map) => _map = map;

    /// <inheritdoc />
    public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"Expected a string for {typeof(TEnum).Name}, got {reader.TokenType}.");
        }

        var text = reader.GetString();
        foreach (var (wire, value) in _map)
        {
            if (string.Equals(wire, text, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return default;
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        foreach (var (wire, known) in _map)
        {
            if (EqualityComparer<TEnum>.Default.Equals(known, value))
            {
                writer.WriteStringValue(wire);
                return;
            }
        }

        throw new JsonException($"{typeof(TEnum).Name}.{value} has no wire name and cannot be sent.");
    }
}
