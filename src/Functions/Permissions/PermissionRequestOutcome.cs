namespace Serverless.Functions.Permissions;

/// <summary>Why a permission request was not sent.</summary>
public enum RequestRefusal
{
    /// <summary>Our guard: the per-day quota (Meta: 1 per 24 h) is used.</summary>
    DailyQuota,

    /// <summary>Our guard: the per-week quota (Meta: 2 per 7 days) is used.</summary>
    WeeklyQuota,

    /// <summary>Meta's live <c>send_call_permission_request</c> action says no, or Meta answered 138009.</summary>
    MetaLimit,
}

/// <summary>Result of <see cref="IPermissionService.RequestPermissionAsync"/>.</summary>
public abstract record PermissionRequestOutcome
{
    private PermissionRequestOutcome()
    {
    }

    /// <summary>The <c>call_permission_request</c> message went out.</summary>
    /// <param name="MessageId">Meta's <c>wamid</c>.</param>
    /// <param name="NextRequestAllowedAt">When the guard allows the next one.</param>
    public sealed record Sent(string MessageId, DateTimeOffset NextRequestAllowedAt) : PermissionRequestOutcome;

    /// <summary>Not sent: a quota is used up until <paramref name="NextRequestAllowedAt"/> (null if Meta gave no time).</summary>
    public sealed record Throttled(RequestRefusal Reason, DateTimeOffset? NextRequestAllowedAt, string Detail) : PermissionRequestOutcome;

    /// <summary>Not sent: the user already granted permanent permission (Meta 138017, or known from the cache).</summary>
    public sealed record AlreadyPermanent : PermissionRequestOutcome;
}
