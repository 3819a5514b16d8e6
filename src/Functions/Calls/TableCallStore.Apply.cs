using System.Net;
using Azure.Data.Tables;

namespace Serverless.Functions.Calls;

public sealed partial class TableCallStore
{
    // Positions of the two actions in the ApplyAsync transaction.
    private const int CallActionIndex = 0;
    private const int EventActionIndex = 1;

    public async Task<ApplyResult> ApplyAsync(
        string callId, CallTrigger trigger, string dedupKey, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        ArgumentNullException.ThrowIfNull(trigger);
        ArgumentException.ThrowIfNullOrEmpty(dedupKey);
        var eventRowKey = CallStoreKeys.EventRowKey(dedupKey);
        await InitializeAsync(cancellationToken);

        // Fast path for Meta's retries; the transaction below is what makes dedup race-safe. The two point reads are
        // independent, so they go out together (one round trip of waiting on every state change, not two).
        var seenRead = ReadEventAsync(callId, eventRowKey, cancellationToken);
        var firstRead = ReadCallAsync(callId, cancellationToken);
        await Task.WhenAll(new Task[] { seenRead, firstRead }).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (await seenRead is { } seen)
        {
            return await DuplicateAsync(callId, trigger, seen, cancellationToken);
        }

        for (var attempt = 1; attempt <= _options.MaxConcurrencyRetries; attempt++)
        {
            var (call, etag) = attempt == 1 ? await firstRead : await ReadCallAsync(callId, cancellationToken);
            if (call is null)
            {
                return new ApplyResult { Status = ApplyStatus.CallNotFound, Reason = $"no call {callId}" };
            }

            var now = _time.GetUtcNow();
            var transition = _machine.Apply(call, trigger, now);
            var after = (transition is TransitionResult.Applied applied ? applied.Current : call) with { Version = call.Version + 1 };
            if (trigger is CallTrigger.ConnectSent connect && transition is TransitionResult.Applied)
            {
                // Index before the call says Ringing, so its webhooks are routable from then on. Idempotent, so a
                // lost race that repeats it is harmless; a refused ConnectSent indexes nothing.
                await IndexWacidAsync(connect.Wacid, callId, cancellationToken);
            }

            // The index rows for the new deadline or node go first: a lost race leaves one the reader finds stale.
            var indexed = transition is TransitionResult.Applied;
            if (indexed)
            {
                await _index.BeforeCommitAsync(call, after, cancellationToken);
            }

            var evt = new CallEvent(
                callId, after.Version, now, trigger.Name, trigger.Describe(), dedupKey, transition.Kind, after.State, ReasonOf(transition));

            try
            {
                await _calls.SubmitTransactionAsync(
                    [
                        new TableTransactionAction(TableTransactionActionType.UpdateReplace, CallEntityMapper.ToEntity(after), etag),
                        new TableTransactionAction(TableTransactionActionType.Add, CallEntityMapper.ToEntity(evt)),
                    ],
                    cancellationToken);
            }
            catch (TableTransactionFailedException ex) when (IsLostRace(ex))
            {
                CallStoreLog.EtagConflict(_logger, callId, attempt);
                continue;
            }
            catch (TableTransactionFailedException ex) when (IsDuplicateEvent(ex))
            {
                return await DuplicateAsync(callId, trigger, await ReadEventAsync(callId, eventRowKey, cancellationToken), cancellationToken);
            }

            if (indexed)
            {
                await _index.AfterCommitAsync(call, after, cancellationToken);
            }

            return Report(call, after, transition, evt);
        }

        throw new CallStoreConcurrencyException(
            $"Call {callId}: {trigger.Name} lost the ETag race {_options.MaxConcurrencyRetries} times.");
    }

    private ApplyResult Report(CallRecord before, CallRecord after, TransitionResult transition, CallEvent evt)
    {
        switch (transition)
        {
            case TransitionResult.Applied:
                CallStoreLog.TransitionApplied(_logger, after.CallId, evt.Trigger, before.State, after.State);
                return new ApplyResult { Status = ApplyStatus.Applied, Call = after, Previous = before, Event = evt };
            case TransitionResult.Refused refused:
                CallStoreLog.TransitionRefused(_logger, after.CallId, evt.Trigger, before.State, refused.Reason);
                return new ApplyResult { Status = ApplyStatus.Refused, Call = after, Event = evt, Reason = refused.Reason };
            case TransitionResult.NoChange same:
                return new ApplyResult { Status = ApplyStatus.NoChange, Call = after, Event = evt, Reason = same.Reason };
            default:
                throw new InvalidOperationException($"Unknown transition result {transition.GetType().Name}.");
        }
    }

    private async Task<ApplyResult> DuplicateAsync(string callId, CallTrigger trigger, CallEvent? original, CancellationToken cancellationToken)
    {
        CallStoreLog.DuplicateDelivery(_logger, callId, trigger.Name);
        var (call, _) = await ReadCallAsync(callId, cancellationToken);
        return new ApplyResult
        {
            Status = ApplyStatus.DuplicateDelivery,
            Call = call,
            Event = original,
            Reason = original is null ? "dedup key already processed" : $"dedup key already processed as {original.Result}",
        };
    }

    private async Task<CallEvent?> ReadEventAsync(string callId, string eventRowKey, CancellationToken cancellationToken)
    {
        var response = await _calls.GetEntityIfExistsAsync<TableEntity>(callId, eventRowKey, cancellationToken: cancellationToken);
        return response.HasValue ? CallEntityMapper.ToEvent(response.Value!) : null;
    }

    private static string? ReasonOf(TransitionResult transition) => transition switch
    {
        TransitionResult.NoChange same => same.Reason,
        TransitionResult.Refused refused => refused.Reason,
        _ => null,
    };

    private static bool IsLostRace(TableTransactionFailedException ex) =>
        ex.Status == (int)HttpStatusCode.PreconditionFailed
        || (ex.Status == (int)HttpStatusCode.NotFound && ex.FailedTransactionActionIndex == CallActionIndex);

    private static bool IsDuplicateEvent(TableTransactionFailedException ex) =>
        ex.Status == (int)HttpStatusCode.Conflict
        && ex.FailedTransactionActionIndex is null or EventActionIndex;
}
