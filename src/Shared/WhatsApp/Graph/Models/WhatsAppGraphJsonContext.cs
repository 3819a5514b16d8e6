using System.Text.Json.Serialization;

namespace Serverless.Shared.WhatsApp.Graph.Models;

/// <summary>Source-generated System.Text.Json metadata for every Graph body, with Meta's snake_case names.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DictionaryKeyPolicy = JsonKnownNamingPolicy.Unspecified,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters =
    [
        typeof(FeatureStatusConverter),
        typeof(CallIconVisibilityConverter),
        typeof(OperatingDayConverter),
        typeof(CallPermissionStatusConverter),
        typeof(CallPermissionActionNameConverter),
        typeof(UnixSecondsConverter),
    ])]
[JsonSerializable(typeof(CallActionRequest))]
[JsonSerializable(typeof(CallPermissionRequestMessage))]
[JsonSerializable(typeof(PhoneNumberSettings))]
[JsonSerializable(typeof(ConnectCallResponse))]
[JsonSerializable(typeof(GraphSuccessResponse))]
[JsonSerializable(typeof(SendMessageResponse))]
[JsonSerializable(typeof(CallPermissions))]
[JsonSerializable(typeof(GraphErrorBody))]
public sealed partial class WhatsAppGraphJsonContext : JsonSerializerContext;
