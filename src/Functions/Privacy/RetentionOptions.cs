using System.ComponentModel.DataAnnotations;

namespace Serverless.Functions.Privacy;

/// <summary>How long personal data is kept (section <c>Retention</c>), enforced daily by <see cref="RetentionFunction"/>.</summary>
public sealed class RetentionOptions
{
    public const string SectionName = "Retention";

    /// <summary>
    /// App setting naming the timer's schedule (six-field cron, UTC), e.g. <c>0 30 3 * * *</c>: a timer schedule is read
    /// by the Functions host before any options bind, so it must be set (README, bicep and local settings set it).
    /// </summary>
    public const string ScheduleSetting = "Retention:Schedule";

    /// <summary>The documented schedule: daily at 03:30 UTC.</summary>
    public const string DefaultSchedule = "0 30 3 * * *";

    /// <summary>
    /// Calls (rows, history, recordings, callback deliveries), finished dials, Idempotency-Key reservations and held
    /// webhooks older than this many days are deleted.
    /// </summary>
    [Range(1, 3650)]
    public int Days { get; set; } = 90;

    /// <summary>Calls one run deletes at most; a bigger backlog is finished by the next runs.</summary>
    [Range(1, 1_000_000)]
    public int MaxCallsPerRun { get; set; } = 10_000;

    /// <summary>
    /// The timer's schedule (<see cref="ScheduleSetting"/>). The host reads it itself; it is bound here too so that a
    /// missing one stops the app at start with this section's name, and the deployment checks see it is required.
    /// </summary>
    [Required(AllowEmptyStrings = false)]
    public string Schedule { get; set; } = string.Empty;

    /// <summary>The retention as a span.</summary>
    public TimeSpan Period => TimeSpan.FromDays(Days);
}
