using Serverless.Functions.Calls;

namespace Serverless.Functions.Api;

/// <summary>The call as the dial API shows it (JSON, camelCase, enums as names).</summary>
public sealed record CallResource
{
    public required string Id { get; init; }
    public required string Direction { get; init; }
    public required string State { get; init; }
    public string? Outcome { get; init; }

    /// <summary>Meta's phone number id of our business number.</summary>
    public required string From { get; init; }

    /// <summary>The user in E.164 (<c>+</c> and digits).</summary>
    public required string To { get; init; }

    public string? Wacid { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? RingingAt { get; init; }
    public DateTimeOffset? AnswerReceivedAt { get; init; }
    public DateTimeOffset? AcceptedAt { get; init; }
    public DateTimeOffset? MediaConnectedAt { get; init; }
    public DateTimeOffset? ConnectedAt { get; init; }
    public DateTimeOffset? EndedAt { get; init; }
    public double? DurationSeconds { get; init; }
    public string? EndReason { get; init; }
    public CallErrorResource? LastError { get; init; }
    public MediaStats? MediaStats { get; init; }
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = CallRecord.NoMetadata;
    public string? BizOpaqueCallbackData { get; init; }
    public DateTimeOffset? Deadline { get; init; }

    /// <summary>The event history, oldest first; left out of list pages.</summary>
    public IReadOnlyList<CallEventResource>? Events { get; init; }

    public static CallResource Of(CallRecord call, IReadOnlyList<CallEvent>? history = null)
    {
        ArgumentNullException.ThrowIfNull(call);
        return new CallResource
        {
            Id = call.CallId,
            Direction = call.Direction.ToString(),
            State = call.State.ToString(),
            Outcome = call.Outcome?.ToString(),
            From = call.BusinessPhoneNumberId,
            To = "+" + call.UserWaId,
            Wacid = call.Wacid,
            CreatedAt = call.CreatedAt,
            UpdatedAt = call.UpdatedAt,
            RingingAt = call.RingingAt,
            AnswerReceivedAt = call.AnswerReceivedAt,
            AcceptedAt = call.AcceptedAt,
            MediaConnectedAt = call.MediaConnectedAt,
            ConnectedAt = call.ConnectedAt,
            EndedAt = call.EndedAt,
            DurationSeconds = call.Duration?.TotalSeconds,
            EndReason = call.EndReason?.GetType().Name,
            LastError = CallErrorResource.From(call),
            MediaStats = call.MediaStats,
            Metadata = call.Metadata,
            BizOpaqueCallbackData = call.BizOpaqueData,
            Deadline = call.Deadline,
            Events = history?.Select(CallEventResource.From).ToList(),
        };
    }
}

/// <summary>Why the call failed: a problem type, Meta's code verbatim when Meta reported it.</summary>
public sealed record CallErrorResource(string Type, int? Code, string Message)
{
    public static CallErrorResource? From(CallRecord call)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (call.LastError is { } error)
        {
            return new CallErrorResource(ProblemTypes.ForMetaCode(error.Code), error.Code, error.Message);
        }

        return call.EndReason switch
        {
            CallEndReason.MediaFailed m => new CallErrorResource(ProblemTypes.MediaFailure, null, m.Reason),
            CallEndReason.Timeout t => new CallErrorResource(ProblemTypes.Timeout, null, $"No progress in state {t.StuckIn} before its deadline."),
            _ => null,
        };
    }
}

public sealed record CallEventResource(
    long Sequence, DateTimeOffset At, string Trigger, string Detail, string Result, string StateAfter, string? Reason)
{
    public static CallEventResource From(CallEvent evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        return new CallEventResource(evt.Sequence, evt.At, evt.Trigger, evt.Detail, evt.Result.ToString(), evt.StateAfter.ToString(), evt.Reason);
    }
}

/// <summary>One page of <c>GET /api/calls</c>.</summary>
public sealed record CallListResource(IReadOnlyList<CallResource> Calls, string? ContinuationToken);
