using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Mvc;
using Serverless.Shared.WhatsApp.Graph;

namespace Serverless.Functions.Permissions;

/// <summary>RFC 9457 problem details of the permission functions (and of a dial refused for permission reasons).</summary>
public static class PermissionProblems
{
    /// <summary>Base of every problem <c>type</c> URI.</summary>
    public const string TypeBase = Http.ProblemTypes.BaseUri;

    /// <summary>The problem a dial answers when <paramref name="decision"/> is not <see cref="CallPermissionDecision.Allowed"/>.</summary>
    public static ObjectResult ForDecision(CallPermissionDecision decision) => decision switch
    {
        CallPermissionDecision.NoPermission no => Create(
            HttpStatusCode.Forbidden, "call-permission-missing", "The user has not allowed calls",
            $"Ask first: POST {no.HowToAsk.RequestPath}.",
            new() { ["requestPath"] = no.HowToAsk.RequestPath, ["nextRequestAllowedAt"] = no.HowToAsk.NextRequestAllowedAt }),
        CallPermissionDecision.Expired expired => Create(
            HttpStatusCode.Forbidden, "call-permission-expired", "The user's temporary permission expired",
            $"It expired at {expired.ExpiredAt:O}; ask again: POST {expired.HowToAsk.RequestPath}.",
            new()
            {
                ["expiredAt"] = expired.ExpiredAt,
                ["requestPath"] = expired.HowToAsk.RequestPath,
                ["nextRequestAllowedAt"] = expired.HowToAsk.NextRequestAllowedAt,
            }),
        CallPermissionDecision.LimitReached limit => Create(
            HttpStatusCode.TooManyRequests, "call-limit-reached", "Meta's call limit for this user is used up",
            limit.Limit is { } l
                ? $"{l.CurrentUsage} of {l.MaxAllowed} calls per {l.TimePeriod} used; resets at {limit.ResetsAt?.ToString("O", CultureInfo.InvariantCulture) ?? "an unknown time"}."
                : "Meta says start_call cannot be performed now.",
            new()
            {
                ["timePeriod"] = limit.Limit?.TimePeriod,
                ["maxAllowed"] = limit.Limit?.MaxAllowed,
                ["currentUsage"] = limit.Limit?.CurrentUsage,
                ["resetsAt"] = limit.ResetsAt,
            }),
        CallPermissionDecision.OptedOut optedOut => Create(
            HttpStatusCode.Forbidden, "user-opted-out", "The user opted out of business calls",
            $"The user opted out at {optedOut.At:O} ({optedOut.Source}); no call is placed until the user grants call permission again.",
            new() { ["optedOutAt"] = optedOut.At, ["source"] = optedOut.Source }),
        CallPermissionDecision.TooManyUnanswered streak => Create(
            HttpStatusCode.Forbidden, "too-many-unanswered-calls", "Too many unanswered calls in a row",
            $"{streak.Consecutive} consecutive business calls went unanswered (we stop at {streak.Max}; Meta revokes permission at 4). A connected call resets this.",
            new() { ["consecutiveUnanswered"] = streak.Consecutive, ["max"] = streak.Max }),
        _ => throw new ArgumentException("An allowed decision has no problem.", nameof(decision)),
    };

    internal static ObjectResult Create(HttpStatusCode status, string type, string title, string detail, Dictionary<string, object?>? extensions = null)
    {
        var problem = new ProblemDetails { Status = (int)status, Type = TypeBase + type, Title = title, Detail = detail };
        foreach (var (key, value) in extensions ?? [])
        {
            problem.Extensions[key] = value;
        }

        return new ObjectResult(problem) { StatusCode = (int)status, ContentTypes = { "application/problem+json" } };
    }

    internal static ObjectResult FromGraph(WhatsAppGraphException exception) => exception is WhatsAppApiException api
        ? Create(
            HttpStatusCode.BadGateway, "graph-refused", "Meta refused the request", api.MetaMessage,
            new() { ["metaCode"] = api.Code, ["metaKind"] = api.Kind.ToString() })
        : Create(HttpStatusCode.BadGateway, "graph-unavailable", "Meta could not be reached", exception.Message);
}
