using System.Net;
using Microsoft.AspNetCore.Mvc;
using Serverless.Shared.WhatsApp.Graph;

namespace Serverless.Functions.Settings;

/// <summary>RFC 9457 problem details answered by the settings functions.</summary>
internal static class SettingsProblems
{
    public const string TypeBase = Http.ProblemTypes.BaseUri;

    public static ObjectResult Create(HttpStatusCode status, string type, string title, string detail, IDictionary<string, object?>? extensions = null)
    {
        var problem = new ProblemDetails { Status = (int)status, Type = TypeBase + type, Title = title, Detail = detail };
        foreach (var (key, value) in extensions ?? new Dictionary<string, object?>())
        {
            problem.Extensions[key] = value;
        }

        return new ObjectResult(problem) { StatusCode = (int)status, ContentTypes = { "application/problem+json" } };
    }

    /// <summary>Meta refused or could not be reached; 131055 gets its own type because it means SIP is on.</summary>
    public static ObjectResult FromGraph(WhatsAppGraphException exception)
    {
        if (exception is WhatsAppApiException { Kind: WhatsAppErrorKind.MethodNotAllowedSip } sip)
        {
            return Create(
                HttpStatusCode.Conflict, "sip-enabled", "SIP is enabled on this number",
                "With SIP signalling enabled Meta turns off the Graph calling API (code 131055); change settings in WhatsApp Manager.",
                new Dictionary<string, object?> { ["metaCode"] = sip.Code });
        }

        return exception is WhatsAppApiException api
            ? Create(
                HttpStatusCode.BadGateway, "graph-refused", "Meta refused the settings request", api.MetaMessage,
                new Dictionary<string, object?> { ["metaCode"] = api.Code, ["metaKind"] = api.Kind.ToString() })
            : Create(HttpStatusCode.BadGateway, "graph-unavailable", "Meta could not be reached", exception.Message);
    }
}
