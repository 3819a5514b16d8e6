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
}
