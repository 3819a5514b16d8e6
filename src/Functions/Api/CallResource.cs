using System.ComponentModel;
using Serverless.Functions.Calls;
using Serverless.Shared.Media;

namespace Serverless.Functions.Api;

/// <summary>The call as the dial API shows it (JSON, camelCase; enum values camelCase too, see <see cref="WireText"/>).</summary>
[Description("A call and where it stands.")]
public sealed record CallResource
{
    [Description("Call id.")]
    public required string Id { get; init; }
    [Description("inbound or outbound.")]
    public required string Direction { get; init; }
    [Description("Current state: preparing, ringing, offered, accepting, connected, ended or failed.")]
    public required string State { get; init; }
    [Description("Final outcome once ended: completed, rejected, noAnswer, cancelled or failed.")]
    public string? Outcome { get; init; }

    [Description("Meta's phone number id of the business number.")]
    public required string From { get; init; }

    [Description("The WhatsApp user in E.164 (+ and digits).")]
    public required string To { get; init; }

    [Description("Meta's call id.")]
    public string? Wacid { get; init; }
    [Description("When the call was created.")]
    public required DateTimeOffset CreatedAt { get; init; }
    [Description("Last change.")]
    public required DateTimeOffset UpdatedAt { get; init; }
    [Description("When Meta reported the user's phone ringing (outbound).")]
    public DateTimeOffset? RingingAt { get; init; }
    [Description("When the user's answer reached us (outbound).")]
    public DateTimeOffset? AnswerReceivedAt { get; init; }
    [Description("When we accepted the call (inbound).")]
    public DateTimeOffset? AcceptedAt { get; init; }
    [Description("When ICE and DTLS completed and media flowed.")]
    public DateTimeOffset? MediaConnectedAt { get; init; }
    [Description("When the call was connected both ways.")]
    public DateTimeOffset? ConnectedAt { get; init; }
    [Description("When the call ended.")]
    public DateTimeOffset? EndedAt { get; init; }
    [Description("Connected duration in seconds.")]
    public double? DurationSeconds { get; init; }
    [Description("Why the call ended: userHangup, businessHangup, completed, mediaFailed, metaError, timeout… (the cause is in lastError).")]
    public string? EndReason { get; init; }
    [Description("Why the call failed, when it did.")]
    public ErrorView? LastError { get; init; }

    [Description("What the user entered, in order: each collect step's result and keys pressed outside one.")]
    public IReadOnlyList<InputView> Inputs { get; init; } = [];

    [Description("The recording, with a read link made for this response.")]
    public RecordingView? Recording { get; init; }

    [Description("The media node's statistics of the call.")]
    public MediaStats? Media { get; init; }

    [Description("The queue whose agents the call asked for (an audio plan's connectAgent step), when it asked.")]
    public string? Queue { get; init; }

    [Description("The agent whose browser leg connected to the call, when one did.")]
    public AgentView? Agent { get; init; }

    [Description("The metadata given when dialing.")]
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = CallRecord.NoMetadata;
    [Description("The opaque data given when dialing.")]
    public string? BizOpaqueCallbackData { get; init; }
    [Description("When the call fails if it makes no progress in its current state.")]
    public DateTimeOffset? Deadline { get; init; }

    [Description("The event history, oldest first; left out of list pages.")]
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
            Queue = call.Queue,
            Agent = AgentView.Of(call),
            Metadata = call.Metadata,
            BizOpaqueCallbackData = call.BizOpaqueData,
            Deadline = call.Deadline,
            Events = history?.Select(CallEventResource.From).ToList(),
        };
    }

    /// <summary><c>businessHangup</c>, <c>mediaFailed</c>…: the kind only; the cause is in <see cref="LastError"/>.</summary>
    private static string EndReasonText(CallEndReason reason) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(reason.GetType().Name);
}

[Description("One entry of the call's history.")]
public sealed record CallEventResource(
    [property: Description("Position in the history.")] long Sequence,
    [property: Description("When it happened.")] DateTimeOffset At,
    [property: Description("What caused it, camelCase: created, offerReady, answerReady, connectSent, statusRinging, answerReceived, statusAccepted, statusRejected, inboundOffer, accepted, mediaConnected, inputReceived, streamReported, playRequested, playFinished, playbackFinished, hangupRequested, terminated, mediaFailed, graphError, deadlinePassed, mediaReportOverdue or mediaStatsReported.")] string Trigger,
    [property: Description("What happened, for people.")] string Detail,
    [property: Description("applied, noChange or refused.")] string Result,
    [property: Description("The call's state afterwards.")] string StateAfter,
    [property: Description("Why a trigger was refused, when it was.")] string? Reason)
{
    public static CallEventResource From(CallEvent evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        return new CallEventResource(evt.Sequence, evt.At, WireText.Name(evt.Trigger), evt.Detail, WireText.Of(evt.Result), WireText.Of(evt.StateAfter), evt.Reason);
    }
}

/// <summary>One page of <c>GET /api/calls</c>.</summary>
[Description("One page of calls.")]
public sealed record CallListResource(
    [property: Description("The calls of this page.")] IReadOnlyList<CallResource> Calls,
    [property: Description("Pass as continuationToken to read the next page; null on the last page.")] string? ContinuationToken);
