using System.Text.Json.Serialization;
using Serverless.Shared.Media;

namespace Serverless.Functions.Calls;

/// <summary>Source-generated JSON for the small nested values stored as single properties.</summary>
[JsonSourceGenerationOptions(UseStringEnumConverter = true)]
[JsonSerializable(typeof(MediaStats))]
[JsonSerializable(typeof(RecordingInfo))]
[JsonSerializable(typeof(List<DigitInput>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class CallStoreJsonContext : JsonSerializerContext
{
}
