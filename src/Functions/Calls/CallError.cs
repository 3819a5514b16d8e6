using System.Globalization;

namespace Serverless.Functions.Calls;

/// <summary>
/// Why a call failed: a stable kebab-case <see cref="Code"/> (the documented list is <see cref="CallErrorCodes"/>;
/// Meta's errors are <c>meta-&lt;code&gt;</c>) and a message for people.
/// </summary>
public sealed record CallError(string Code, string Message)
{
    /// <summary>An error Meta reported (Graph response or terminate webhook <c>errors[]</c>), its code kept in the name.</summary>
    public static CallError Meta(int code, string message) =>
        new(CallErrorCodes.MetaPrefix + code.ToString(CultureInfo.InvariantCulture), message);

    /// <summary>Meta's numeric code, when this is a Meta error.</summary>
    public int? MetaCode =>
        Code.StartsWith(CallErrorCodes.MetaPrefix, StringComparison.Ordinal)
        && int.TryParse(Code.AsSpan(CallErrorCodes.MetaPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var code)
            ? code
            : null;
}
