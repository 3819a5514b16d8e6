using System.Text.Json;

namespace Serverless.Functions.Calls;

/// <summary>
/// How enum values are spelled to users, in the API and the callbacks alike: camelCase names
/// (<c>connected</c>, <c>noAnswer</c>, <c>terminator</c>). One rule, so no value has two spellings.
/// </summary>
public static class WireText
{
    public static string Of<T>(T value)
        where T : struct, Enum => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    /// <summary>A name stored in its C# form (a history row's trigger, <c>StatusRinging</c>) as users see it (<c>statusRinging</c>).</summary>
    public static string Name(string storedName) => JsonNamingPolicy.CamelCase.ConvertName(storedName);
}
