using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Serverless.Functions.Http;

/// <summary>Builds RFC 9457 problem responses (<c>application/problem+json</c>).</summary>
public static class Problems
{
    public const string ContentType = "application/problem+json";

    public static ObjectResult Create(int status, string type, string title, string? detail = null, string? instance = null)
    {
        var problem = new ProblemDetails
        {
            Status = status,
            Type = type,
            Title = title,
            Detail = detail,
            Instance = instance,
        };
        var result = new ObjectResult(problem) { StatusCode = status };
        result.ContentTypes.Add(ContentType);
        return result;
    }

    public static ObjectResult InvalidJson(string detail) =>
        Create(StatusCodes.Status400BadRequest, ProblemTypes.InvalidJson, "The body is not valid JSON of the expected shape.", detail);

    public static ObjectResult Validation(string detail) =>
        Create(StatusCodes.Status400BadRequest, ProblemTypes.ValidationFailed, "The request is not valid.", detail);

    /// <summary>A refused audio plan: <c>errors</c> maps the member's path (<c>audio.steps[2].tone.hz</c>) to what is wrong.</summary>
    public static ObjectResult InvalidAudioPlan(string path, string message, string title = "The audio plan is not valid.")
    {
        var problem = new ValidationProblemDetails(new Dictionary<string, string[]>(StringComparer.Ordinal) { [path] = [message] })
        {
            Status = StatusCodes.Status400BadRequest,
            Type = ProblemTypes.InvalidAudioPlan,
            Title = title,
            Detail = $"{path}: {message}",
        };
        var result = new ObjectResult(problem) { StatusCode = StatusCodes.Status400BadRequest };
        result.ContentTypes.Add(ContentType);
        return result;
    }

    public static ObjectResult TooLarge(int limit) =>
        Create(StatusCodes.Status413PayloadTooLarge, ProblemTypes.PayloadTooLarge, "The body is too large.", $"At most {limit} bytes are accepted.");

    /// <summary>A <c>phoneNumberId</c> (query or body) that is not one of <c>Meta:PhoneNumberIds</c>.</summary>
    public static ObjectResult UnknownPhoneNumberId(string field = "phoneNumberId") =>
        Create(StatusCodes.Status400BadRequest, ProblemTypes.UnknownPhoneNumberId,
            $"'{field}' is not a business phone number id this deployment serves.", "Use one of Meta:PhoneNumberIds, or omit it for the default number.");

    /// <summary>503 + <c>Retry-After</c>: every live MediaNode reported itself full or draining.</summary>
    public static ObjectResult NoMediaCapacity(HttpRequest request, TimeSpan retryAfter)
    {
        ArgumentNullException.ThrowIfNull(request);
        var seconds = (int)Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds));
        request.HttpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Create(StatusCodes.Status503ServiceUnavailable, ProblemTypes.NoMediaCapacity, "No media node has room for a new call.",
            $"Every live media node is full or draining; nothing was stored. Retry after {seconds} s.");
    }

    public static ObjectResult CallNotFound(string? callId) =>
        Create(StatusCodes.Status404NotFound, ProblemTypes.CallNotFound, "No such call.", null, callId is null ? null : "/api/calls/" + callId);
}
