namespace Serverless.Functions.Dials;

/// <summary><c>GET /api/dials/{id}</c>: the schedule and every attempt's call.</summary>
public sealed record DialResource
{
    public required string Id { get; init; }
    public required string State { get; init; }
    public required string To { get; init; }
    public required string From { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the next attempt is due (only while scheduled).</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }

    public required int MaxAttempts { get; init; }
    public required double SpacingSeconds { get; init; }
    public required IReadOnlyList<string> RetryOn { get; init; }
    public string? Reason { get; init; }
    public required IReadOnlyList<DialAttemptResource> Attempts { get; init; }
}

/// <summary>One attempt: the call it placed (<c>/api/calls/{callId}</c>) and where that call stands.</summary>
public sealed record DialAttemptResource(string CallId, string? State, string? Outcome, string Location);
