using System.ComponentModel.DataAnnotations;
using Serverless.Shared.Security;

namespace Serverless.Functions.Graph;

/// <summary>The Meta app and the business numbers this deployment serves (section <c>Meta</c>).</summary>
public sealed class MetaOptions : IValidatableObject
{
    public const string SectionName = "Meta";

    /// <summary>Graph phone number ids of the business numbers served. Webhooks for any other number are ignored.</summary>
    public IList<string> PhoneNumberIds { get; init; } = [];

    /// <summary>The number a dial request uses when it names no <c>from</c>; must be one of <see cref="PhoneNumberIds"/>.</summary>
    public string DefaultPhoneNumberId { get; set; } = string.Empty;

    /// <summary>Verify token configured in the Meta app dashboard (GET handshake). Secret: never logged.</summary>
    public string VerifyToken { get; set; } = string.Empty;

    /// <summary>App secret: key of the webhook's X-Hub-Signature-256. Secret: never logged.</summary>
    public string AppSecret { get; set; } = string.Empty;

    /// <summary>Largest webhook body read; bigger deliveries get 413 before they are parsed.</summary>
    public int MaxWebhookBodyBytes { get; set; } = 4 * 1024 * 1024;

    public bool Serves(string? phoneNumberId) =>
        phoneNumberId is not null && PhoneNumberIds.Contains(phoneNumberId, StringComparer.Ordinal);

    /// <summary>
    /// The business number a request names (<paramref name="requested"/>, or <see cref="DefaultPhoneNumberId"/> when it
    /// names none), or null when that is not a number this deployment serves: a key for this deployment must not reach
    /// any other number the Graph token can act on.
    /// </summary>
    public string? ResolveServed(string? requested)
    {
        var id = string.IsNullOrEmpty(requested) ? DefaultPhoneNumberId : requested;
        return Serves(id) ? id : null;
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PhoneNumberIds.Count == 0 || PhoneNumberIds.Any(string.IsNullOrWhiteSpace))
        {
            yield return new ValidationResult("Meta:PhoneNumberIds must list at least one phone number id, none empty.");
        }

        if (string.IsNullOrWhiteSpace(DefaultPhoneNumberId) || !Serves(DefaultPhoneNumberId))
        {
            yield return new ValidationResult("Meta:DefaultPhoneNumberId must be one of Meta:PhoneNumberIds.");
        }

        if (string.IsNullOrEmpty(VerifyToken))
        {
            yield return new ValidationResult("Meta:VerifyToken is required.");
        }

        if (string.IsNullOrEmpty(AppSecret))
        {
            yield return new ValidationResult("Meta:AppSecret is required.");
        }

        foreach (var (setting, value) in new[] { ("Meta:VerifyToken", VerifyToken), ("Meta:AppSecret", AppSecret), ("Meta:DefaultPhoneNumberId", DefaultPhoneNumberId) }
            .Concat(PhoneNumberIds.Select((id, i) => ($"Meta:PhoneNumberIds:{i}", id))))
        {
            if (PlaceholderSecrets.IsPlaceholder(value))
            {
                yield return new ValidationResult(PlaceholderSecrets.Message(setting));
            }
        }

        if (MaxWebhookBodyBytes <= 0)
        {
            yield return new ValidationResult("Meta:MaxWebhookBodyBytes must be positive.");
        }
    }
}
