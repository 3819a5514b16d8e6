using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Serverless.Shared.Media;

/// <summary>
/// Reads and writes media messages as UTF-8 JSON: one object with a <c>type</c> discriminator naming the
/// message (e.g. <c>"type":"ApplyAnswer"</c>), a <c>schemaVersion</c>, and camelCase fields.
/// </summary>
public static class MediaMessageSerializer
{
    /// <summary>JSON property holding the message type name.</summary>
    public const string TypePropertyName = "type";

    private const string SchemaVersionPropertyName = "schemaVersion";
    private const string TraceParentPropertyName = "traceParent";

    private static readonly HashSet<string> KnownTypes = MediaJsonContext.Default.MediaMessage.PolymorphismOptions!
        .DerivedTypes.Select(d => (string)d.TypeDiscriminator!).ToHashSet(StringComparer.Ordinal);

    /// <summary>Serializes a message (of any concrete type) to UTF-8 JSON.</summary>
    public static byte[] Serialize(MediaMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return JsonSerializer.SerializeToUtf8Bytes(message, MediaJsonContext.Default.MediaMessage);
    }

    /// <summary>Reads a message; on failure says why as a typed <paramref name="error"/>, never throws for bad input.</summary>
    public static bool TryDeserialize(
        ReadOnlySpan<byte> utf8Json,
        [NotNullWhen(true)] out MediaMessage? message,
        out MediaMessageError error)
    {
        message = null;
        error = ScanHeader(utf8Json, out var hasTraceParent);
        if (error != MediaMessageError.None)
        {
            return false;
        }

        try
        {
            message = JsonSerializer.Deserialize(utf8Json, MediaJsonContext.Default.MediaMessage);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: invalid UTF-8 inside a string token.
            message = null;
        }

        if (message is null)
        {
            error = MediaMessageError.Malformed;
            return false;
        }

        if (!hasTraceParent)
        {
            // Construction captured the *receiver's* Activity.Current; a message that carried no trace has none.
            message = message with { TraceParent = null, TraceState = null };
        }

        return true;
    }

    /// <summary>Reads a message of kind <typeparamref name="T"/> (e.g. <see cref="MediaCommand"/>).</summary>
    public static bool TryDeserialize<T>(
        ReadOnlySpan<byte> utf8Json,
        [NotNullWhen(true)] out T? message,
        out MediaMessageError error)
        where T : MediaMessage
    {
        message = null;
        if (!TryDeserialize(utf8Json, out var any, out error))
        {
            return false;
        }

        if (any is not T typed)
        {
            error = MediaMessageError.UnexpectedKind;
            return false;
        }

        message = typed;
        return true;
    }

    /// <summary>Checks type and version before binding, so unknown or newer messages get their own error.</summary>
    private static MediaMessageError ScanHeader(ReadOnlySpan<byte> utf8Json, out bool hasTraceParent)
    {
        hasTraceParent = false;
        string? type = null;
        int? version = null;
        try
        {
            var reader = new Utf8JsonReader(utf8Json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return MediaMessageError.Malformed;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals(TypePropertyName))
                {
                    reader.Read();
                    type = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    reader.Skip();
                }
                else if (reader.ValueTextEquals(SchemaVersionPropertyName))
                {
                    reader.Read();
                    version = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var v) ? v : 0;
                    reader.Skip();
                }
                else
                {
                    hasTraceParent |= reader.ValueTextEquals(TraceParentPropertyName);
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Utf8JsonReader.GetString throws InvalidOperationException for invalid UTF-8 (found by a property test).
            return MediaMessageError.Malformed;
        }

        if (type is null)
        {
            return MediaMessageError.MissingType;
        }

        if (!KnownTypes.Contains(type))
        {
            return MediaMessageError.UnknownType;
        }

        // A missing version means 1: the field existed from the first schema, but be lenient with hand-made JSON.
        return version is null or (>= 1 and <= MediaMessage.CurrentSchemaVersion)
            ? MediaMessageError.None
            : MediaMessageError.UnsupportedVersion;
    }
}
