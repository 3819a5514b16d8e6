using Serverless.Shared.WhatsApp.Graph.Models;

namespace Serverless.Functions.Permissions;

/// <summary>What <c>GET /api/permissions/{waId}</c> shows.</summary>
/// <param name="WaId">The user.</param>
/// <param name="Status">none / temporary / permanent.</param>
/// <param name="ExpiresAt">End of a temporary permission.</param>
/// <param name="Actions">Meta's live action limits, as last read.</param>
/// <param name="Decision">Whether a call may be placed now.</param>
/// <param name="ConsecutiveUnanswered">The current unanswered streak.</param>
/// <param name="NextRequestAllowedAt">When our guard lets the next permission request out (null: now).</param>
/// <param name="FetchedAt">When Graph was last asked.</param>
public sealed record PermissionView(
    string WaId,
    CallPermissionStatus Status,
    DateTimeOffset? ExpiresAt,
    IReadOnlyList<CallPermissionAction> Actions,
    CallPermissionDecision Decision,
    int ConsecutiveUnanswered,
    DateTimeOffset? NextRequestAllowedAt,
    DateTimeOffset? FetchedAt);
