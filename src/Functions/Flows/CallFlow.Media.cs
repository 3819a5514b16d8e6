using Serverless.Functions.Calls;
using Serverless.Shared.Media;

namespace Serverless.Functions.Flows;

public sealed partial class CallFlow
{
    public Task<ApplyResult> OnMediaConnectedAsync(string callId, string eventId, CancellationToken cancellationToken) =>
        ApplyAsync(callId, new CallTrigger.MediaConnected(), CallDedupKeys.MediaEvent(eventId), cancellationToken);

    /// <summary>No capacity, ICE/DTLS failure, a prompt missing, media lost: the call fails (an unanswered inbound call is rejected).</summary>
    public Task<ApplyResult> OnMediaFailedAsync(string callId, CallError error, string eventId, CancellationToken cancellationToken) =>
        ApplyAsync(callId, new CallTrigger.MediaFailed(error), CallDedupKeys.MediaEvent(eventId), cancellationToken);

    /// <summary>The call's audio plan finished (PlaybackFinished without a play id): the call ends Completed.</summary>
    public Task<ApplyResult> OnPlaybackFinishedAsync(string callId, string eventId, CancellationToken cancellationToken) =>
        ApplyAsync(callId, new CallTrigger.PlaybackFinished(), CallDedupKeys.MediaEvent(eventId), cancellationToken);

    /// <summary>A collect step's result, or a key pressed outside one: stored on the call, then <c>call.input</c>.</summary>
    public Task<ApplyResult> OnInputAsync(string callId, DigitInput input, string eventId, CancellationToken cancellationToken) =>
        ApplyAsync(callId, new CallTrigger.InputReceived(input), CallDedupKeys.MediaEvent(eventId), cancellationToken);

    /// <summary>A stream step's result (agent closed, timeout, connect failure): kept in the call's history; the call goes on.</summary>
    public Task<ApplyResult> OnStreamEndedAsync(string callId, StreamResult result, string eventId, CancellationToken cancellationToken) =>
        ApplyAsync(callId, new CallTrigger.StreamReported(result), CallDedupKeys.MediaEvent(eventId), cancellationToken);

    public async Task<ApplyResult> OnMediaEndedAsync(MediaEnded ended, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ended);
        var callId = ended.CallId;
        var result = await ApplyAsync(callId, new CallTrigger.MediaStatsReported(ended.Stats, ended.Recording), CallDedupKeys.MediaEvent(ended.MessageId), cancellationToken);
        if (ended is { Reason: HangupReason.NodeDrained, NodeId: { } nodeId } && result.Call is { IsFinal: false })
        {
            // The node's drain deadline cut the call (whatever its state): node-drained, Meta hears it from us.
            return await ApplyAsync(callId, new CallTrigger.NodeDrained(nodeId), CallDedupKeys.MediaEvent(ended.MessageId + ":ended"), cancellationToken);
        }

        // The node ended the media on its own (the plan's hangup step, the peer closed): a call still connected here
        // is over, and Meta must hear it from us. PlaybackFinished ends it Completed with a terminate.
        // Not while the call waits for Meta's terminate after a media loss: that decides how it ended.
        return result.Call is { State: CallState.Connected, AwaitsMetaEnd: false }
            ? await ApplyAsync(callId, new CallTrigger.PlaybackFinished(), CallDedupKeys.MediaEvent(ended.MessageId + ":ended"), cancellationToken)
            : result;
    }

    /// <summary>Business hang-up (DELETE): every request is the same fact, so retries change nothing.</summary>
    public Task<ApplyResult> HangupAsync(string callId, CancellationToken cancellationToken) =>
        ApplyAsync(callId, new CallTrigger.HangupRequested(), CallDedupKeys.ApiHangup(callId), cancellationToken);

    /// <summary>
    /// Fails every live call carried by <paramref name="nodeId"/>, found dead (<c>node-lost</c>): Graph terminate (or
    /// reject) per call through the state machine, once per call whatever the number of watchers. Returns how many
    /// calls ended and whether none is left on the node (false when <paramref name="maxCount"/> cut the list).
    /// </summary>
    public async Task<(int Ended, bool Done)> FailNodeCallsAsync(string nodeId, int maxCount, CancellationToken cancellationToken)
    {
        var live = await _store.ListLiveOnNodeAsync(nodeId, maxCount, cancellationToken);
        var ended = 0;
        foreach (var call in live)
        {
            var result = await ApplyAsync(call.CallId, new CallTrigger.NodeLost(nodeId), CallDedupKeys.NodeLost(call.CallId, nodeId), cancellationToken);
            ended += result.BecameFinal ? 1 : 0;
        }

        return (ended, live.Count < maxCount);
    }

    /// <summary>
    /// Fails every call past its deadline (Graph terminate/reject and Hangup follow in FinishAsync), and reports
    /// every ended call whose node never sent its final report in time.
    /// </summary>
    public async Task<int> SweepAsync(int maxCount, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var overdue = await _store.ListOverdueAsync(now, maxCount, cancellationToken);
        var ended = 0;
        foreach (var call in overdue)
        {
            ended += await SweepOneAsync(call, now, cancellationToken) ? 1 : 0;
        }

        return ended;
    }

    /// <summary>
    /// One call's deadline message (queue <c>call-deadlines</c>): the sweep's rule for that call alone. A message
    /// for a deadline that moved, or for a call that ended meanwhile, changes nothing; a duplicate is deduplicated
    /// by the state machine's key. Returns whether the call ended now.
    /// </summary>
    public async Task<bool> OnDeadlineDueAsync(string callId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        return await _store.GetAsync(callId, cancellationToken) is { } call && await SweepOneAsync(call, _time.GetUtcNow(), cancellationToken);
    }

    private async Task<bool> SweepOneAsync(CallRecord call, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (call is { IsFinal: true, MediaReportDue: { } due })
        {
            if (due <= now)
            {
                await ApplyAsync(call.CallId, new CallTrigger.MediaReportOverdue(), CallDedupKeys.Sweep(call.CallId, due), cancellationToken);
            }

            return false;
        }

        if (call.IsFinal || call.Deadline is not { } deadline || deadline > now)
        {
            return false;
        }

        var result = await ApplyAsync(call.CallId, new CallTrigger.DeadlinePassed(), CallDedupKeys.Sweep(call.CallId, deadline), cancellationToken);
        return result.BecameFinal;
    }
}
