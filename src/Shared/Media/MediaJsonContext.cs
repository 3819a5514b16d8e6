using System.Text.Json.Serialization;

namespace Serverless.Shared.Media;

/// <summary>Source-generated System.Text.Json metadata for the media messages (no reflection, trim-safe).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    // Senders other than ours may not put "type" first; STJ otherwise requires metadata to lead the object.
    AllowOutOfOrderMetadataProperties = true)]
[JsonSerializable(typeof(MediaMessage))]
internal sealed partial class MediaJsonContext : JsonSerializerContext;
