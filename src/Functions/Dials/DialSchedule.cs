namespace Serverless.Functions.Dials;

/// <summary>Where a scheduled dial stands.</summary>
public enum DialScheduleState
{
    /// <summary>Waiting for <see cref="DialSchedule.NextAttemptAt"/>.</summary>
    Scheduled,

    /// <summary>An attempt's call is placed (or being placed) and not finished.</summary>
    Dialling,

    /// <summary>An attempt ended with an outcome that is not retried (e.g. completed).</summary>
    Completed,

    /// <summary>Every allowed attempt was used.</summary>
    Exhausted,

    /// <summary>The user's permission stopped the dial (no permission, expired, too many unanswered).</summary>
    Refused,

    /// <summary>Cancelled by <c>DELETE /api/dials/{id}</c>: never dials again.</summary>
    Cancelled,
}

/// <summary>
/// A dial request with its schedule and retry policy. Each attempt is a call resource whose id is listed in
/// <see cref="AttemptCallIds"/> and whose metadata carries <c>dialId</c>.
/// </summary>
public sealed record DialSchedule
{
    public required string DialId { get; init; }

    public required DialScheduleState State { get; init; }

    /// <summary>The user's WhatsApp id (E.164 digits).</summary>
    public required string UserWaId { get; init; }

    public required string BusinessPhoneNumberId { get; init; }

    /// <summary>The dial body as posted (re-read for every attempt: audio plan, callback, metadata).</summary>
    public required string Body { get; init; }

    public required DialRetryPolicy Retry { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the next attempt is due (while <see cref="DialScheduleState.Scheduled"/>).</summary>
    public required DateTimeOffset NextAttemptAt { get; init; }

    /// <summary>When the current attempt was claimed (while <see cref="DialScheduleState.Dialling"/>).</summary>
    public DateTimeOffset? ClaimedAt { get; init; }

    public IReadOnlyList<string> AttemptCallIds { get; init; } = [];

    public string? IdempotencyKey { get; init; }

    /// <summary>Why the schedule stopped (a permission problem, cancellation, last outcome).</summary>
    public string? Reason { get; init; }

    /// <summary>Table ETag of the stored version; updates are conditional on it.</summary>
    public string? ETag { get; init; }

    public bool IsFinal => State is DialScheduleState.Completed or DialScheduleState.Exhausted or DialScheduleState.Refused or DialScheduleState.Cancelled;
}
