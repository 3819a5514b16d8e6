using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Functions.Calls;
using Serverless.Functions.Recordings;

namespace Serverless.Functions.Callbacks;

/// <summary>
/// Turns what was applied to a call into signed status events (<see cref="CallbackEventTypes"/>) for its
/// <c>callbackUrl</c> (or <see cref="CallbackOptions.DefaultCallbackUrl"/>). Event ids are the call id plus the history
/// sequence of the change (<c>call.ended</c>: the call id plus <c>-ended</c>, as it is sent once), so a redelivered
/// input that re-announces the same change enqueues nothing new. Everything sent comes from the call record; nothing
/// is taken from the caller's metadata but the URL. Every event also goes to the matching subscriptions
/// (<c>POST /api/subscriptions</c>), the same body signed the same way.
/// </summary>
public sealed partial class StatusCallbacks(
    ICallbackDispatcher dispatcher,
    ICallStore store,
    RecordingLinks recordings,
    SubscriptionStore subscriptions,
    IOptions<CallbackOptions> options,
    ILogger<StatusCallbacks> logger)
{

    /// <summary>
    /// Enqueues the events <paramref name="result"/> of <paramref name="trigger"/> means, on its first delivery and on
    /// the redelivery of an input whose first handling applied (the first may have failed before enqueueing):
    /// <c>call.&lt;state&gt;</c> for a change into a non-final state, <c>call.input</c> for an input, and
    /// <c>call.ended</c> once the call is final and its node's report is in.
    /// </summary>
    public async Task OnAppliedAsync(ApplyResult result, CallTrigger trigger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(trigger);
        if (result.Call is not { } call || result.Event is not { Result: TransitionKind.Applied } evt
            || result.Status is not (ApplyStatus.Applied or ApplyStatus.DuplicateDelivery))
        {
            return;
        }

        var first = result.Status == ApplyStatus.Applied;
        if (!evt.StateAfter.IsFinal()
            && (first ? result.Previous is { } previous && previous.State != evt.StateAfter : await ChangedStateAsync(evt, cancellationToken)))
        {
            await EnqueueAsync(call, Sequenced(call, evt.Sequence, CallbackEventTypes.ForState(evt.StateAfter), evt.At, evt.StateAfter), cancellationToken);
        }

        if (trigger is CallTrigger.InputReceived input)
        {
            await EnqueueAsync(call, Sequenced(call, evt.Sequence, CallbackEventTypes.Input, evt.At, evt.StateAfter) with
            {
                Input = InputView.Of(input.Input),
            }, cancellationToken);
        }

        if (trigger is CallTrigger.AgentConnected)
        {
            await EnqueueAsync(call, Sequenced(call, evt.Sequence, CallbackEventTypes.AgentConnected, evt.At, evt.StateAfter) with
            {
                Agent = AgentView.Of(call),
                Queue = call.Queue,
            }, cancellationToken);
        }

        if (call.IsReported && (!first || result.Previous is not { IsReported: true }))
        {
            await EnqueueAsync(call, await EndedAsync(call, cancellationToken), cancellationToken);
        }
    }

    /// <summary>Whether the history row before <paramref name="evt"/> left the call in another state (redeliveries are rare).</summary>
    private async Task<bool> ChangedStateAsync(CallEvent evt, CancellationToken cancellationToken)
    {
        var history = await store.GetHistoryAsync(evt.CallId, cancellationToken);
        var before = history.LastOrDefault(e => e.Sequence < evt.Sequence && e.Result == TransitionKind.Applied);
        return before is null || before.StateAfter != evt.StateAfter;
    }

    /// <summary>
    /// Enqueues <see cref="CallbackEventTypes.PlaybackFinished"/> for the play <paramref name="playId"/> when <paramref name="result"/>
    /// recorded its end (first delivery, or the redelivery of one: the event id is the same).
    /// </summary>
    public Task OnPlaybackFinishedAsync(ApplyResult result, string playId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result is { Status: ApplyStatus.Applied or ApplyStatus.DuplicateDelivery, Call: { } call, Event: { Result: TransitionKind.Applied } evt }
            ? EnqueueAsync(call, Sequenced(call, evt.Sequence, CallbackEventTypes.PlaybackFinished, evt.At, evt.StateAfter) with { PlayId = playId }, cancellationToken)
            : Task.CompletedTask;
    }

    /// <summary>The first event of a call: it was created (sequence 1 of its history).</summary>
    public Task OnCreatedAsync(CallRecord call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        return EnqueueAsync(call, Sequenced(call, 1, CallbackEventTypes.ForState(call.State), call.CreatedAt, call.State), cancellationToken);
    }

    private static CallbackEvent Sequenced(CallRecord call, long sequence, string type, DateTimeOffset at, CallState state) => new()
    {
        EventId = call.CallId + "-" + sequence.ToString(CultureInfo.InvariantCulture),
        CallId = call.CallId,
        Type = type,
        OccurredAt = at,
        State = WireText.Of(state),
    };

    private async Task<CallbackEvent> EndedAsync(CallRecord call, CancellationToken cancellationToken) => new()
    {
        EventId = call.CallId + "-ended",
        CallId = call.CallId,
        Type = CallbackEventTypes.Ended,
        OccurredAt = call.EndedAt ?? call.UpdatedAt,
        State = WireText.Of(call.State),
        Outcome = call.Outcome is { } outcome ? WireText.Of(outcome) : null,
        DurationSeconds = call.Duration?.TotalSeconds,
        Inputs = [.. call.Inputs.Select(InputView.Of)],
        Recording = call.Recording is { } recording ? RecordingView.Of(recording, await recordings.ForCallbackAsync(recording, cancellationToken)) : null,
        Media = call.MediaStats,
        LastError = ErrorView.Of(call.LastError),
        Agent = AgentView.Of(call),
        Queue = call.Queue,
    };

    private async Task EnqueueAsync(CallRecord call, CallbackEvent callbackEvent, CancellationToken cancellationToken)
    {
        if ((call.CallbackUrl ?? options.Value.DefaultCallbackUrl?.AbsoluteUri) is { } url)
        {
            var enqueued = await dispatcher.EnqueueAsync(url, callbackEvent, cancellationToken);
            if (enqueued.Status == CallbackEnqueueStatus.Refused)
            {
                LogRefused(call.CallId, callbackEvent.EventId, enqueued.Refusal?.Refusal);
            }
        }

        // The outbox keys rows on URL + event id: a subscription at the call's own URL gets the event once.
        foreach (var subscription in await subscriptions.MatchingAsync(callbackEvent.Type, call.BusinessPhoneNumberId, cancellationToken))
        {
            var enqueued = await dispatcher.EnqueueAsync(subscription.Url, callbackEvent, cancellationToken);
            if (enqueued.Status == CallbackEnqueueStatus.Refused)
            {
                LogSubscriptionRefused(call.CallId, callbackEvent.EventId, subscription.Id, enqueued.Refusal?.Refusal);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Call {CallId}: status event {EventId} not queued for subscription {SubscriptionId}, URL refused ({Refusal})")]
    private partial void LogSubscriptionRefused(string callId, string eventId, string subscriptionId, CallbackUrlRefusal? refusal);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Call {CallId}: status event {EventId} not queued, callback URL refused ({Refusal})")]
    private partial void LogRefused(string callId, string eventId, CallbackUrlRefusal? refusal);
}
