using Serverless.Functions.Calls;
using Serverless.Shared.Media;

namespace Serverless.Functions.Api;

/// <summary>The call as the dial API shows it (JSON, camelCase; enum values camelCase too, see <see cref="WireText"/>).</summary>
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
    public ErrorView? LastError { get; init; }

    /// <summary>What the user entered, in order.</summary>
    public IReadOnlyList<InputView> Inputs { get; init; } = [];

    /// <summary>The recording, with a link made for this response.</summary>
    public RecordingView? Recording { get; init; }

    /// <summary>The node's media statistics of the call.</summary>
    public MediaStats? Media { get; init; }

    public IReadOnlyDictionary<string, string> Metadata { get; init; } = CallRecord.NoMetadata;
    public string? BizOpaqueCallbackData { get; init; }
    public DateTimeOffset? Deadline { get; init; }

    /// <summary>The event history, oldest first; left out of list pages.</summary>
    public IReadOnlyList<CallEventResource>? Events { get; init; }

    /// <param name="recordingUrl">A fresh read link to <see cref="CallRecord.Recording"/> (required when it has one).</param>
    public static CallResource Of(CallRecord call, IReadOnlyList<CallEvent>? history = null, Uri? recordingUrl = null)
    {
        ArgumentNullException.ThrowIfNull(call);
        return new CallResource
        {
            Id = call.CallId,
            Direction = WireText.Of(call.Direction),
            State = WireText.Of(call.State),
            Outcome = call.Outcome is { } outcome ? WireText.Of(outcome) : null,
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
            EndReason = call.EndReason is { } reason ? EndReasonText(reason) : null,
            LastError = ErrorView.Of(call.LastError),
            Inputs = [.. call.Inputs.Select(InputView.Of)],
            Recording = call.Recording is { } recording && recordingUrl is not null ? RecordingView.Of(recording, recordingUrl) : null,
            Media = call.MediaStats,
            Metadata = call.Metadata,
            BizOpaqueCallbackData = call.BizOpaqueData,
            Deadline = call.Deadline,
            Events = history?.Select(CallEventResource.From).ToList(),
        };
    }

    /// <summary><c>businessHangup</c>, <c>mediaFailed</c>…: the kind only; the cause is in <see cref="LastError"/>.</summary>
    private static string EndReasonText(CallEndReason reason) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(reason.GetType().Name);
}

public sealed record CallEventResource(
    long Sequence, DateTimeOffset At, string Trigger, string Detail, string Result, string StateAfter, string? Reason)
{
    public static CallEventResource From(CallEvent evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        return new CallEventResource(evt.Sequence, evt.At, evt.Trigger, evt.Detail, WireText.Of(evt.Result), WireText.Of(evt.StateAfter), evt.Reason);
    }
}

/// <summary>One page of <c>GET /api/calls</c>.</summary>
public sealed record CallListResource(IReadOnlyList<CallResource> Calls, string? ContinuationToken);
