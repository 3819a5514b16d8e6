using Serverless.Shared.WhatsApp.Graph.Models;

namespace Serverless.Functions.Permissions;

/// <summary>Whether a business-initiated call to a user may be placed now, and if not, why.</summary>
public abstract record CallPermissionDecision
{
    private CallPermissionDecision()
    {
    }

    /// <summary>True only for <see cref="Allowed"/>.</summary>
    public bool CanCall => this is Allowed;

    /// <summary>The user granted permission and no limit stands in the way.</summary>
    /// <param name="Status">Temporary or permanent.</param>
    /// <param name="ExpiresAt">When a temporary permission lapses.</param>
    public sealed record Allowed(CallPermissionStatus Status, DateTimeOffset? ExpiresAt) : CallPermissionDecision;

    /// <summary>The user has not granted permission (or Meta says the number cannot be called).</summary>
#pragma warning disable CA1711 // "Permission" here is Meta's word (status no_permission), not a CAS permission type.
    public sealed record NoPermission(PermissionRequestAdvice HowToAsk) : CallPermissionDecision;
#pragma warning restore CA1711

    /// <summary>A temporary permission lapsed at <paramref name="ExpiredAt"/>.</summary>
    public sealed record Expired(DateTimeOffset ExpiredAt, PermissionRequestAdvice HowToAsk) : CallPermissionDecision;

    /// <summary>Meta's live <c>start_call</c> limit is used up (<c>can_perform_action: false</c>).</summary>
    /// <param name="Limit">The exhausted window as Meta sent it (null when Meta named none).</param>
    /// <param name="ResetsAt">Meta's <c>limit_expiration_time</c>, when it sent one.</param>
    public sealed record LimitReached(CallPermissionLimit? Limit, DateTimeOffset? ResetsAt) : CallPermissionDecision;

    /// <summary>
    /// The user opted out (revoked call permission, or replied an opt-out keyword such as STOP) at
    /// <paramref name="At"/>; no business-initiated call until the user grants permission again.
    /// </summary>
    /// <param name="Source">What opted the user out (see <see cref="OptOutSource"/>).</param>
    public sealed record OptedOut(DateTimeOffset At, string Source) : CallPermissionDecision;

    /// <summary>Our guard: too many consecutive unanswered calls; a connected call (either direction) resets it.</summary>
    public sealed record TooManyUnanswered(int Consecutive, int Max) : CallPermissionDecision;
}

/// <summary>How to obtain permission: the request endpoint, and when our guard lets the next request out.</summary>
/// <param name="RequestPath">The API path that sends the request message.</param>
/// <param name="NextRequestAllowedAt">Null when a request may be sent now.</param>
public sealed record PermissionRequestAdvice(string RequestPath, DateTimeOffset? NextRequestAllowedAt);
