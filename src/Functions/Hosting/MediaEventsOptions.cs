using System.ComponentModel.DataAnnotations;

namespace Serverless.Functions.Hosting;

/// <summary>The MediaNode → Functions event endpoint (section <c>MediaEvents</c>).</summary>
public sealed class MediaEventsOptions : IValidatableObject
{
    public const string SectionName = "MediaEvents";

    /// <summary>Shared HMAC secret the MediaNodes sign events with. Secret: never logged.</summary>
    public string Secret { get; set; } = string.Empty;

    /// <summary>Replay window for signed events.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Largest event body read; events are small JSON documents with one SDP at most.</summary>
    public int MaxBodyBytes { get; set; } = 256 * 1024;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Secret.Length < 16)
        {
            yield return new ValidationResult("MediaEvents:Secret is required (at least 16 characters).");
        }

        if (PlaceholderSecrets.IsPlaceholder(Secret))
        {
            yield return new ValidationResult(PlaceholderSecrets.Message("MediaEvents:Secret"));
        }

        if (MaxAge <= TimeSpan.Zero || MaxBodyBytes <= 0)
        {
            yield return new ValidationResult("MediaEvents:MaxAge and MediaEvents:MaxBodyBytes must be positive.");
        }
    }
}
