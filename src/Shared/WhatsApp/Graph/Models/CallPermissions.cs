using System.Xml;

namespace Serverless.Shared.WhatsApp.Graph.Models;

/// <summary>
/// <c>GET /&lt;PHONE_NUMBER_ID&gt;/call_permissions?user_wa_id=…</c> (meta-calling-api.md §3).
/// Limits change often at Meta, so read them from <see cref="Actions"/> instead of hard-coding.
/// </summary>
public sealed record CallPermissions
{
    /// <summary>The user's current permission.</summary>
    public CallPermissionState? Permission { get; init; }

    /// <summary>What the business may do now, with its usage limits.</summary>
    public IReadOnlyList<CallPermissionAction> Actions { get; init; } = [];

    /// <summary>The entry for one action, or null when Meta did not list it.</summary>
    public CallPermissionAction? Find(CallPermissionActionName name) =>
        Actions.FirstOrDefault(a => a.ActionName == name);

    /// <summary>True when Meta says a business-initiated call may be placed now.</summary>
    public bool CanStartCall => Find(CallPermissionActionName.StartCall)?.CanPerformAction == true;
}

/// <summary><c>permission</c>: status and, for temporary permission, its expiry.</summary>
public sealed record CallPermissionState
{
    /// <summary><c>no_permission</c>, <c>temporary</c> or <c>permanent</c>.</summary>
    public CallPermissionStatus Status { get; init; }

    /// <summary>When a temporary permission lapses; absent for permanent and none.</summary>
    public DateTimeOffset? ExpirationTime { get; init; }
}

/// <summary><c>actions[]</c> entry.</summary>
public sealed record CallPermissionAction
{
    /// <summary>Which action.</summary>
    public CallPermissionActionName ActionName { get; init; }

    /// <summary>Whether Meta allows it right now.</summary>
    public bool CanPerformAction { get; init; }

    /// <summary>The rolling windows that bound it.</summary>
    public IReadOnlyList<CallPermissionLimit> Limits { get; init; } = [];
}

/// <summary><c>limits[]</c> entry: <c>max_allowed</c> per ISO 8601 <c>time_period</c>.</summary>
public sealed record CallPermissionLimit
{
    /// <summary>ISO 8601 duration as sent, e.g. <c>PT24H</c>, <c>P7D</c>.</summary>
    public string? TimePeriod { get; init; }

    /// <summary>Allowed uses in the window.</summary>
    public int MaxAllowed { get; init; }

    /// <summary>Uses so far in the window.</summary>
    public int CurrentUsage { get; init; }

    /// <summary>When the window frees up; only present when usage is at the maximum.</summary>
    public DateTimeOffset? LimitExpirationTime { get; init; }

    /// <summary><see cref="TimePeriod"/> as a span, or null when absent or not an ISO 8601 duration.</summary>
    public TimeSpan? Period
    {
        get
        {
            if (string.IsNullOrEmpty(TimePeriod))
            {
                return null;
            }

            try
            {
                return XmlConvert.ToTimeSpan(TimePeriod);
            }
            catch (FormatException)
            {
                return null;
            }
        }
    }
}
