using Serverless.Shared.WhatsApp.Graph.Models;

namespace Serverless.Functions.Permissions;

/// <summary>The JSON shape of <c>GET /api/permissions/{waId}</c> (camelCase; enums as Meta's words).</summary>
internal static class PermissionViewJson
{
    public static object From(PermissionView view) => new
    {
        waId = view.WaId,
        status = view.Status switch
        {
            CallPermissionStatus.Temporary => "temporary",
            CallPermissionStatus.Permanent => "permanent",
            _ => "none",
        },
        expiresAt = view.ExpiresAt,
        canCall = view.Decision.CanCall,
        decision = Decision(view.Decision),
        actions = view.Actions.Select(a => new
        {
            actionName = a.ActionName switch
            {
                CallPermissionActionName.StartCall => "start_call",
                CallPermissionActionName.SendCallPermissionRequest => "send_call_permission_request",
                _ => "unknown",
            },
            canPerformAction = a.CanPerformAction,
            limits = a.Limits.Select(l => new
            {
                timePeriod = l.TimePeriod,
                maxAllowed = l.MaxAllowed,
                currentUsage = l.CurrentUsage,
                limitExpirationTime = l.LimitExpirationTime,
            }),
        }),
        consecutiveUnanswered = view.ConsecutiveUnanswered,
        nextRequestAllowedAt = view.NextRequestAllowedAt,
        fetchedAt = view.FetchedAt,
    };

    private static string Decision(CallPermissionDecision decision) => decision switch
    {
        CallPermissionDecision.Allowed => "allowed",
        CallPermissionDecision.NoPermission => "no_permission",
        CallPermissionDecision.Expired => "expired",
        CallPermissionDecision.LimitReached => "limit_reached",
        CallPermissionDecision.TooManyUnanswered => "too_many_unanswered",
        CallPermissionDecision.OptedOut => "opted_out",
        _ => "unknown",
    };
}
