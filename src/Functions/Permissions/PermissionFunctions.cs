using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Serverless.Functions.Graph;
using Serverless.Functions.Http;
using Serverless.Shared.WhatsApp.Graph;

namespace Serverless.Functions.Permissions;

/// <summary>
/// <c>POST /api/permissions/{waId}/request</c> (optional JSON body <c>{"bodyText":"…"}</c>) and
/// <c>GET /api/permissions/{waId}</c>. Optional <c>?phoneNumberId=</c> picks the business number, one of
/// <c>Meta:PhoneNumberIds</c> (default <c>Meta:DefaultPhoneNumberId</c>).
/// </summary>
public sealed class PermissionFunctions(IPermissionService permissions, TimeProvider time, IOptions<MetaOptions> meta)
{
    private const int MaxBodyBytes = 16 * 1024;

    [Function("RequestCallPermission")]
    public async Task<IActionResult> RequestAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "permissions/{waId}/request")] HttpRequest request,
        string waId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (PhoneNumberId(request) is not { } phoneNumberId)
        {
            return Problems.UnknownPhoneNumberId();
        }

        var (bodyText, bodyProblem) = await ReadBodyTextAsync(request, cancellationToken);
        if (bodyProblem is not null)
        {
            return bodyProblem;
        }

        try
        {
            var outcome = await permissions.RequestPermissionAsync(waId, bodyText, phoneNumberId, cancellationToken);
            return outcome switch
            {
                PermissionRequestOutcome.Sent sent => new ObjectResult(new { messageId = sent.MessageId, nextRequestAllowedAt = sent.NextRequestAllowedAt })
                {
                    StatusCode = StatusCodes.Status202Accepted,
                },
                PermissionRequestOutcome.Throttled throttled => Throttled(request, throttled),
                _ => PermissionProblems.Create(
                    HttpStatusCode.Conflict, "call-permission-permanent", "The user already allows calls permanently",
                    "No request was sent (Meta refuses these with 138017)."),
            };
        }
        catch (ArgumentException ex)
        {
            return PermissionProblems.Create(HttpStatusCode.BadRequest, "invalid-request", "Invalid request", ex.Message);
        }
        catch (WhatsAppGraphException ex)
        {
            return PermissionProblems.FromGraph(ex);
        }
    }

    [Function("GetCallPermission")]
    public async Task<IActionResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "permissions/{waId}")] HttpRequest request,
        string waId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (PhoneNumberId(request) is not { } phoneNumberId)
        {
            return Problems.UnknownPhoneNumberId();
        }

        try
        {
            var view = await permissions.GetAsync(waId, phoneNumberId, cancellationToken);
            return new OkObjectResult(PermissionResource.From(view));
        }
        catch (ArgumentException ex)
        {
            return PermissionProblems.Create(HttpStatusCode.BadRequest, "invalid-request", "Invalid request", ex.Message);
        }
        catch (PermissionRateLimitedException ex)
        {
            request.HttpContext.Response.Headers.RetryAfter = Math.Ceiling(ex.RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            return PermissionProblems.Create(HttpStatusCode.ServiceUnavailable, "permission-lookup-rate-limited", "Meta's call_permissions limit is hit", ex.Message);
        }
        catch (WhatsAppGraphException ex)
        {
            return PermissionProblems.FromGraph(ex);
        }
    }

    private ObjectResult Throttled(HttpRequest request, PermissionRequestOutcome.Throttled throttled)
    {
        if (throttled.NextRequestAllowedAt is { } next)
        {
            var seconds = Math.Max(1, Math.Ceiling((next - time.GetUtcNow()).TotalSeconds));
            request.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        return PermissionProblems.Create(
            HttpStatusCode.TooManyRequests, "call-permission-request-limit", "Permission request limit reached", throttled.Detail,
            new() { ["reason"] = throttled.Reason.ToString(), ["nextRequestAllowedAt"] = throttled.NextRequestAllowedAt });
    }

    private static async Task<(string? BodyText, ObjectResult? Problem)> ReadBodyTextAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await BodyReader.ReadAsync(request, MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return (null, Problems.TooLarge(MaxBodyBytes));
        }

        if (body.Length == 0)
        {
            return (null, null);
        }

        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, PermissionProblems.Create(HttpStatusCode.BadRequest, "invalid-body", "Invalid body", "Send a JSON object like {\"bodyText\":\"…\"}."));
            }

            if (!json.RootElement.TryGetProperty("bodyText", out var text) || text.ValueKind == JsonValueKind.Null)
            {
                return (null, null);
            }

            return text.ValueKind == JsonValueKind.String
                ? (text.GetString(), null)
                : (null, PermissionProblems.Create(HttpStatusCode.BadRequest, "invalid-body", "Invalid body", "bodyText must be a string."));
        }
        catch (JsonException ex)
        {
            return (null, PermissionProblems.Create(HttpStatusCode.BadRequest, "invalid-body", "Invalid body", ex.Message));
        }
        catch (InvalidOperationException)
        {
            // bodyText spelled a lone surrogate escape ("\ud800"): well-formed JSON, but not text.
            return (null, PermissionProblems.Create(HttpStatusCode.BadRequest, "invalid-body", "Invalid body", "bodyText is not valid Unicode text."));
        }
    }

    private string? PhoneNumberId(HttpRequest request) => meta.Value.ResolveServed(request.Query["phoneNumberId"].ToString());
}
