using System.Net;

namespace Serverless.Shared.WhatsApp.Graph;

/// <summary>
/// Meta answered with a non-success status. The error body's fields surface as properties; a body that
/// is not Meta's error JSON still becomes this exception, with <see cref="WhatsAppErrorKind.Unknown"/>.
/// </summary>
public sealed class WhatsAppApiException : WhatsAppGraphException
{
    /// <summary>Creates the exception from what Meta sent.</summary>
    public WhatsAppApiException(
        GraphAction action,
        HttpStatusCode httpStatus,
        string message,
        int? code = null,
        int? subcode = null,
        string? errorType = null,
        string? fbTraceId = null,
        string? details = null,
        TimeSpan? retryAfter = null)
        : base(action, Describe(action, httpStatus, message, code, subcode), innerException: null)
    {
        HttpStatus = httpStatus;
        MetaMessage = message;
        Code = code;
        Subcode = subcode;
        ErrorType = errorType;
        FbTraceId = fbTraceId;
        Details = details;
        RetryAfter = retryAfter;
        Kind = WhatsAppErrorKinds.FromCode(code);
    }

    /// <summary>The HTTP status Meta returned.</summary>
    public HttpStatusCode HttpStatus { get; }

    /// <summary>What the code means.</summary>
    public WhatsAppErrorKind Kind { get; }

    /// <summary><c>error.message</c> (or a short excerpt of a non-JSON body).</summary>
    public string MetaMessage { get; }

    /// <summary><c>error.code</c>.</summary>
    public int? Code { get; }

    /// <summary><c>error.error_subcode</c>.</summary>
    public int? Subcode { get; }

    /// <summary><c>error.type</c>, e.g. <c>OAuthException</c>.</summary>
    public string? ErrorType { get; }

    /// <summary><c>error.fbtrace_id</c>, quote it to Meta support.</summary>
    public string? FbTraceId { get; }

    /// <summary><c>error.error_data.details</c>.</summary>
    public string? Details { get; }

    /// <summary>The response's <c>Retry-After</c>, when it had one.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>HTTP 429 or a rate-limit code: slow down and try later.</summary>
    public bool IsRateLimit => HttpStatus == HttpStatusCode.TooManyRequests || Kind.IsRateLimit();

    /// <inheritdoc />
    public override bool IsRetryable => Resilience.GraphRetryRules.IsRetryableStatus(Action, HttpStatus);

    private static string Describe(GraphAction action, HttpStatusCode status, string message, int? code, int? subcode)
    {
        var codeText = code is null ? "no code" : subcode is null ? $"code {code}" : $"code {code}/{subcode}";
        return $"WhatsApp Graph {action} failed with HTTP {(int)status} ({codeText}): {message}";
    }
}
