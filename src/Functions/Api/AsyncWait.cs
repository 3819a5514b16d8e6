using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Serverless.Functions.Http;

namespace Serverless.Functions.Api;

/// <summary>
/// The asynchronous request-reply pattern of Logic Apps and Power Automate, as an opt-in of <c>POST /api/calls</c>
/// (<c>?wait=true</c> or <c>Prefer: respond-async</c>): 202 with <c>Location</c> = the call's result URL
/// (<c>GET /api/calls/{id}/result</c>) and <c>Retry-After</c>; the result URL answers 202 the same way until the call
/// ended and its results are in, then 200 with the final call. No request is held open, so a call of any length fits
/// the platforms' 120 s request limit.
/// </summary>
public static class AsyncWait
{
    /// <summary>Seconds the platform waits between polls (its own default, without the header, is 20 s).</summary>
    public const int RetryAfterSeconds = 10;

    /// <summary>The route of the result URL.</summary>
    public const string ResultRoute = "calls/{id}/result";

    /// <summary>
    /// Whether the caller asked to wait: <c>wait=true</c> (or <c>false</c>), or a <c>Prefer</c> header holding
    /// <c>respond-async</c> (RFC 7240). Null with <paramref name="problem"/> set for any other <c>wait</c> value.
    /// </summary>
    public static bool? Requested(HttpRequest request, out IActionResult? problem)
    {
        ArgumentNullException.ThrowIfNull(request);
        problem = null;
        var wait = request.Query["wait"].ToString();
        if (wait.Length > 0)
        {
            if (!bool.TryParse(wait, out var parsed))
            {
                problem = Problems.Create(StatusCodes.Status400BadRequest, ProblemTypes.InvalidQuery, "'wait' must be true or false.");
                return null;
            }

            if (parsed)
            {
                return true;
            }
        }

        return request.Headers["Prefer"].Any(v => v is not null && v.Split(',', ';').Any(p => p.Trim().Equals("respond-async", StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>The absolute result URL of <paramref name="callId"/> on the host the request came to.</summary>
    public static string ResultUrl(HttpRequest request, string callId)
    {
        ArgumentNullException.ThrowIfNull(request);
        return $"{request.Scheme}://{request.Host}{request.PathBase}/api/calls/{callId}/result";
    }

    /// <summary>202 with the call so far, <c>Location</c> = its result URL and <c>Retry-After</c>.</summary>
    public static IActionResult Pending(HttpRequest request, string callId, object call)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.HttpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        if (request.Headers.ContainsKey("Prefer"))
        {
            request.HttpContext.Response.Headers["Preference-Applied"] = "respond-async";
        }

        return new AcceptedResult(ResultUrl(request, callId), call);
    }
}
