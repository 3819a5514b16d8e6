using System.Text.Json.Serialization;

namespace Serverless.Functions.Calls;

/// <summary>Source-generated JSON for the small nested values stored as single properties.</summary>
[JsonSerializable(typeof(MediaStats))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class CallStoreJsonContext : JsonSerializerContext
{
}
