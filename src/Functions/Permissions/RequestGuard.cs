namespace Serverless.Functions.Permissions;

/// <summary>
/// Our own copy of Meta's permission-request quotas (1 per 24 h, 2 per 7 days per pair, meta-calling-api.md §3),
/// so a request that Meta would refuse with 138009 is not sent (and not charged) at all.
/// </summary>
public sealed class RequestGuard(int maxPerDay, int maxPerWeek)
{
    /// <summary>The short window.</summary>
    public static readonly TimeSpan Day = TimeSpan.FromHours(24);

    /// <summary>The long window.</summary>
    public static readonly TimeSpan Week = TimeSpan.FromDays(7);

    /// <summary>Requests still inside the long window (older ones no longer count).</summary>
    public static IReadOnlyList<DateTimeOffset> Trim(IReadOnlyList<DateTimeOffset> sent, DateTimeOffset now) =>
        [.. sent.Where(t => t + Week > now).Order()];

    /// <summary>Null when a request may go out at <paramref name="now"/>; otherwise which quota and until when.</summary>
    public (RequestRefusal Reason, DateTimeOffset NextAllowedAt)? Check(IReadOnlyList<DateTimeOffset> sent, DateTimeOffset now)
    {
        var week = Trim(sent, now);
        var day = week.Where(t => t + Day > now).ToList();
        if (day.Count >= maxPerDay)
        {
            // The oldest request in the window must leave it before another fits.
            return (RequestRefusal.DailyQuota, Max(day[^maxPerDay] + Day, WeeklyNext(week)));
        }

        return week.Count >= maxPerWeek ? (RequestRefusal.WeeklyQuota, WeeklyNext(week)) : null;
    }

    /// <summary>When the next request may go out after sending one at <paramref name="now"/>.</summary>
    public DateTimeOffset NextAllowedAfterSending(IReadOnlyList<DateTimeOffset> sentIncludingNow, DateTimeOffset now) =>
        Check(sentIncludingNow, now)?.NextAllowedAt ?? now;

    private DateTimeOffset WeeklyNext(IReadOnlyList<DateTimeOffset> week) =>
        week.Count >= maxPerWeek ? week[^maxPerWeek] + Week : DateTimeOffset.MinValue;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
