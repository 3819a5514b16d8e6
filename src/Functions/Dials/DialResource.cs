using System.ComponentModel;

namespace Serverless.Functions.Dials;

/// <summary><c>GET /api/dials/{id}</c>: the schedule and every attempt's call.</summary>
[Description("A scheduled dial and its attempts.")]
public sealed record DialResource
{
    [Description("Dial id.")]
    public required string Id { get; init; }
    [Description("Where the dial stands: scheduled, dialling, completed, exhausted, refused or cancelled.")]
    public required string State { get; init; }
    [Description("The user's E.164 number.")]
    public required string To { get; init; }
    [Description("Business phone number id.")]
    public required string From { get; init; }
    [Description("When the dial was created.")]
    public required DateTimeOffset CreatedAt { get; init; }

    [Description("When the next attempt is due (only while scheduled).")]
    public DateTimeOffset? NextAttemptAt { get; init; }

    [Description("Most attempts in all.")]
    public required int MaxAttempts { get; init; }
    [Description("Seconds between attempts.")]
    public required double SpacingSeconds { get; init; }
    [Description("Outcomes that cause another attempt (e.g. rejected, noAnswer).")]
    public required IReadOnlyList<string> RetryOn { get; init; }
    [Description("Why the dial ended or was refused: the last call's outcome (e.g. noAnswer) or a code (e.g. user-opted-out).")]
    public string? Reason { get; init; }
    [Description("The calls placed so far.")]
    public required IReadOnlyList<DialAttemptResource> Attempts { get; init; }
}

/// <summary>One attempt: the call it placed (<c>/api/calls/{callId}</c>) and where that call stands.</summary>
[Description("One attempt.")]
public sealed record DialAttemptResource(
    [property: Description("The call of this attempt.")] string CallId,
    [property: Description("The call's state, as on the call (e.g. ringing, connected, ended).")] string? State,
    [property: Description("The call's outcome once ended, as on the call (completed, rejected, noAnswer, cancelled or failed).")] string? Outcome,
    [property: Description("URL of the call resource.")] string Location);
