using System.ComponentModel;
using Serverless.Shared.WhatsApp.Graph.Models;

namespace Serverless.Functions.Permissions;

/// <summary>The JSON of <c>GET /api/permissions/{waId}</c> (camelCase; enums as Meta's words).</summary>
[Description("Whether the business may call the user now (Meta's call permission state).")]
public sealed record PermissionResource(
    [property: Description("The user (digits, no '+').")] string WaId,
    [property: Description("none, temporary or permanent.")] string Status,
    [property: Description("When a temporary permission ends.")] DateTimeOffset? ExpiresAt,
    [property: Description("Whether a call may be placed now.")] bool CanCall,
    [property: Description("allowed, no_permission, expired, limit_reached, too_many_unanswered or opted_out.")] string Decision,
    [property: Description("Meta's live action limits, as last read.")] IReadOnlyList<PermissionActionResource> Actions,
    [property: Description("The current unanswered streak.")] int ConsecutiveUnanswered,
    [property: Description("When the next permission request may be sent (null: now).")] DateTimeOffset? NextRequestAllowedAt,
    [property: Description("When Meta was last asked.")] DateTimeOffset? FetchedAt)
{
    public static PermissionResource From(PermissionView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        return new PermissionResource(
            view.WaId,
            view.Status switch
            {
                CallPermissionStatus.Temporary => "temporary",
                CallPermissionStatus.Permanent => "permanent",
                _ => "none",
            },
            view.ExpiresAt,
            view.Decision.CanCall,
            DecisionName(view.Decision),
            [.. view.Actions.Select(PermissionActionResource.From)],
            view.ConsecutiveUnanswered,
            view.NextRequestAllowedAt,
            view.FetchedAt);
    }

    private static string DecisionName(CallPermissionDecision decision) => decision switch
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

/// <summary>One of Meta's permission actions with its limits.</summary>
[Description("One action Meta limits for this user, with its current usage.")]
public sealed record PermissionActionResource(
    [property: Description("start_call or send_call_permission_request.")] string ActionName,
    [property: Description("Whether Meta allows the action now.")] bool CanPerformAction,
    [property: Description("The limits in force.")] IReadOnlyList<PermissionLimitResource> Limits)
{
    public static PermissionActionResource From(CallPermissionAction action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return new PermissionActionResource(
            action.ActionName switch
            {
                CallPermissionActionName.StartCall => "start_call",
                CallPermissionActionName.SendCallPermissionRequest => "send_call_permission_request",
                _ => "unknown",
            },
            action.CanPerformAction,
            [.. action.Limits.Select(l => new PermissionLimitResource(l.TimePeriod, l.MaxAllowed, l.CurrentUsage, l.LimitExpirationTime))]);
    }
}

/// <summary>One limit of an action.</summary>
[Description("A limit over a period.")]
public sealed record PermissionLimitResource(
    [property: Description("The period, as Meta names it (e.g. PT24H).")] string? TimePeriod,
    [property: Description("Most actions allowed in the period.")] int MaxAllowed,
    [property: Description("Actions used so far in the period.")] int CurrentUsage,
    [property: Description("When the current usage resets.")] DateTimeOffset? LimitExpirationTime);
