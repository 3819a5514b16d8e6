using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Functions.Calls;

namespace Serverless.Functions.Callbacks;

/// <summary>
/// Turns a call's applied state changes into signed status events for its <c>callbackUrl</c> (or
/// <see cref="CallbackOptions.DefaultCallbackUrl"/>). The event id is the call id plus the history sequence of the
/// change, so a redelivered input that re-announces the same change enqueues nothing new.
/// </summary>
public sealed partial class StatusCallbacks(
    ICallbackDispatcher dispatcher, ICallStore store, IOptions<CallbackOptions> options, ILogger<StatusCallbacks> logger)
{
    /// <summary>The metadata key DTMF digits collected during the call are stored under.</summary>
    public const string DigitsKey = "digitsCollected";

    /// <summary>The metadata key a recording link is stored under.</summary>
    public const string RecordingUrlKey = "recordingUrl";

    /// <summary>
    /// Enqueues the event of <paramref name="result"/> when it changed the call's state (first delivery), or when it
    /// is the redelivery of an input whose first handling changed it (the first may have failed before enqueueing).
    /// </summary>
    public async Task OnAppliedAsync(ApplyResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Call is not { } call || result.Event is not { Result: TransitionKind.Applied } evt)
        {
            return;
        }

        var changed = result.Status switch
        {
            ApplyStatus.Applied => result.Previous is { } previous && previous.State != call.State,
            ApplyStatus.DuplicateDelivery => await ChangedStateAsync(evt, cancellationToken),
            _ => false,
        };
        if (!changed)
        {
            return;
        }

        await EnqueueAsync(call, evt.Sequence, evt.At, evt.StateAfter, cancellationToken);
    }

    /// <summary>Whether the history row before <paramref name="evt"/> left the call in another state (redeliveries are rare).</summary>
    private async Task<bool> ChangedStateAsync(CallEvent evt, CancellationToken cancellationToken)
    {
        var history = await store.GetHistoryAsync(evt.CallId, cancellationToken);
        var before = history.LastOrDefault(e => e.Sequence < evt.Sequence && e.Result == TransitionKind.Applied);
        return before is null || before.StateAfter != evt.StateAfter;
    }

    /// <summary>The first event of a call: it was created (sequence 1 of its history).</summary>
    public Task OnCreatedAsync(CallRecord call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        return EnqueueAsync(call, 1, call.CreatedAt, call.State, cancellationToken);
    }

    private async Task EnqueueAsync(CallRecord call, long sequence, DateTimeOffset at, CallState state, CancellationToken cancellationToken)
    {
        var url = call.CallbackUrl ?? options.Value.DefaultCallbackUrl?.AbsoluteUri;
        if (url is null)
        {
            return;
        }

        var final = state.IsFinal();
        var callbackEvent = new CallbackEvent
        {
            EventId = call.CallId + "-" + sequence.ToString(CultureInfo.InvariantCulture),
            CallId = call.CallId,
            Type = final ? "call.ended" : "call." + state.ToString().ToLowerInvariant(),
            OccurredAt = at,
            State = state.ToString(),
            Outcome = final ? call.Outcome?.ToString() : null,
            DurationSeconds = final && call.Duration is { } d ? d.TotalSeconds : null,
            DigitsCollected = call.Metadata.TryGetValue(DigitsKey, out var digits) ? digits : null,
            RecordingUrl = call.Metadata.TryGetValue(RecordingUrlKey, out var recording) && Uri.TryCreate(recording, UriKind.Absolute, out var r) ? r : null,
            ErrorCode = final ? call.LastError?.Code : null,
            ErrorMessage = final ? call.LastError?.Message : null,
        };
        var enqueued = await dispatcher.EnqueueAsync(url, callbackEvent, cancellationToken);
        if (enqueued.Status == CallbackEnqueueStatus.Refused)
        {
            LogRefused(call.CallId, callbackEvent.EventId, enqueued.Refusal?.Refusal);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Call {CallId}: status event {EventId} not queued, callback URL refused ({Refusal})")]
    private partial void LogRefused(string callId, string eventId, CallbackUrlRefusal? refusal);
}
