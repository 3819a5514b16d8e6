using System.ComponentModel.DataAnnotations;

namespace Serverless.Shared.WhatsApp.Graph;

/// <summary>
/// Settings of <see cref="WhatsAppGraphClient"/>, bound from configuration section <see cref="SectionName"/>
/// and validated on start (DataAnnotations plus <see cref="Validate"/>).
/// </summary>
public sealed class WhatsAppGraphOptions : IValidatableObject
{
    /// <summary>Default configuration section.</summary>
    public const string SectionName = "WhatsAppGraph";

    /// <summary>Graph API root, absolute http(s). Tests point it at 127.0.0.1.</summary>
    [Required]
    public string BaseUrl { get; set; } = "https://graph.facebook.com/";

    /// <summary>Graph version path segment, e.g. <c>v23.0</c> (the minimum for calling is undocumented).</summary>
    [Required]
    [RegularExpression(@"^v\d+\.\d+$")]
    public string GraphVersion { get; set; } = "v23.0";

    /// <summary>System-user access token sent as <c>Authorization: Bearer</c>. A secret: never logged.</summary>
    [Required]
    public string AccessToken { get; set; } = string.Empty;

    /// <summary>Timeout of one attempt.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Timeout of the whole operation, retries and their delays included.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:30:00")]
    public TimeSpan TotalRequestTimeout { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>Retries after the first attempt (0 disables retrying).</summary>
    [Range(0, 10)]
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>First backoff delay; doubles per retry, with jitter.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest wait between attempts; a <c>Retry-After</c> above it is not waited but surfaced.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Share of failed requests in the sampling window that opens the circuit.</summary>
    [Range(0.01, 1.0)]
    public double CircuitBreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Requests the window must hold before the circuit can open.</summary>
    [Range(2, 10_000)]
    public int CircuitBreakerMinimumThroughput { get; set; } = 10;

    /// <summary>Window the failure ratio is measured over.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "01:00:00")]
    public TimeSpan CircuitBreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the circuit stays open before a probe request is let through.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "01:00:00")]
    public TimeSpan CircuitBreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Cross-field rules DataAnnotations cannot express.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            yield return new ValidationResult("BaseUrl must be an absolute http(s) URL without query or fragment.", [nameof(BaseUrl)]);
        }

        if (AccessToken.Any(char.IsWhiteSpace))
        {
            yield return new ValidationResult("AccessToken must not contain whitespace.", [nameof(AccessToken)]);
        }

        if (TotalRequestTimeout < RequestTimeout)
        {
            yield return new ValidationResult("TotalRequestTimeout must be at least RequestTimeout.", [nameof(TotalRequestTimeout), nameof(RequestTimeout)]);
        }

        if (RetryMaxDelay < RetryBaseDelay)
        {
            yield return new ValidationResult("RetryMaxDelay must be at least RetryBaseDelay.", [nameof(RetryMaxDelay), nameof(RetryBaseDelay)]);
        }
    }

    /// <summary><c>{BaseUrl}/{GraphVersion}/{phoneNumberId}/{edge}</c>.</summary>
    internal Uri EdgeUri(string phoneNumberId, string edge, string? query = null)
    {
        var root = BaseUrl.EndsWith('/') ? BaseUrl : BaseUrl + "/";
        var text = $"{root}{GraphVersion}/{phoneNumberId}/{edge}";
        return new Uri(query is null ? text : $"{text}?{query}", UriKind.Absolute);
    }
}
