using System.ComponentModel.DataAnnotations;

namespace Serverless.Functions.Privacy;

/// <summary>Opt-out by message (section <c>OptOut</c>).</summary>
public sealed class OptOutOptions : IValidatableObject
{
    public const string SectionName = "OptOut";

    /// <summary>Keywords used when none are configured.</summary>
    public static readonly IReadOnlyList<string> DefaultKeywords = ["STOP", "UNSUBSCRIBE"];

    /// <summary>
    /// Text replies that opt the user out of business calls, compared to the whole message, trimmed, case-insensitive,
    /// trailing '.' or '!' ignored. Configured keywords replace <see cref="DefaultKeywords"/> (the binder would append
    /// to a pre-filled list). A permission revoke opts out whatever the keywords.
    /// </summary>
    public IList<string>? Keywords { get; set; }

    private IEnumerable<string> Effective => Keywords is { Count: > 0 } configured ? configured : DefaultKeywords;

    /// <summary>Whether <paramref name="text"/> is one of the <see cref="Keywords"/>.</summary>
    public bool IsKeyword(string? text)
    {
        var word = (text ?? string.Empty).Trim().TrimEnd('.', '!').Trim();
        return word.Length > 0 && Effective.Any(k => string.Equals(k.Trim(), word, StringComparison.OrdinalIgnoreCase));
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Keywords is not null && Keywords.Any(string.IsNullOrWhiteSpace))
        {
            yield return new ValidationResult("OptOut:Keywords must not contain empty entries.");
        }
    }
}
