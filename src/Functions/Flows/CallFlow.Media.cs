using Serverless.Functions.Calls;

namespace Serverless.Functions.Flows;

public sealed partial class CallFlow
{
    public Task<ApplyResult> OnMediaConnectedAsync(string callId, string eventId, CancellationToken cancellationToken) =>
        ApplyAsync(callId, new CallTrigger.MediaConnected(), CallDedupKeys.MediaEvent(eventId), cancellationToken);

    /// <summary>No capacity, ICE/DTLS failure, media lost: the call fails (an unanswered inbound call is rejected).</summary>
    public Task<ApplyResult> OnMediaFailedAsync(string callId, string reason, string eventId, CancellationToken cancellationToken) =>
        ApplyAsync(callId, new CallTrigger.MediaFailed(reason), CallDedupKeys.MediaEvent(eventId), cancellationToken);

    /// <summary>The call's audio plan finished (PlaybackFinished without a play id): the call ends Completed.</summary>
    public Task<ApplyResult> OnPlaybackFinishedAsync(string callId, string eventId, CancellationToken cancellationToken) =>
        ApplyAsync(callId, new CallTrigger.PlaybackFinished(), CallDedupKeys.MediaEvent(eventId), cancellationToken);

    public async Task<ApplyResult> OnMediaEndedAsync(string callId, Serverless.Shared.Media.MediaStats stats, string eventId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stats);
        var result = await ApplyAsync(callId, new CallTrigger.MediaStatsReported(ToCallStats(stats)), CallDedupKeys.MediaEvent(eventId), cancellationToken);
        // The node ended the media on its own (the plan's hangup step, the peer closed, a drain): a call still
        // connected here is over, and Meta must hear it from us. PlaybackFinished ends it Completed with a terminate.
        return result.Call is { State: CallState.Connected }
            ? await ApplyAsync(callId, new CallTrigger.PlaybackFinished(), CallDedupKeys.MediaEvent(eventId + ":ended"), cancellationToken)
            : result;
    }

    /// <summary>Business hang-up (DELETE): every request is the same fact, so retries change nothing.</summary>
    public Task<ApplyResult> HangupAsync(string callId, CancellationToken cancellationToken) =>
        ApplyAsync(callId, new CallTrigger.HangupRequested(), CallDedupKeys.ApiHangup(callId), cancellationToken);

    /// <summary>Fails every call past its deadline (Graph terminate/reject and Hangup follow in FinishAsync).</summary>
    public async Task<int> SweepAsync(int maxCount, CancellationToken cancellationToken)
    {
        var overdue = await _store.ListOverdueAsync(_time.GetUtcNow(), maxCount, cancellationToken);
        var ended = 0;
        foreach (var call in overdue)
        {
            if (call.Deadline is not { } deadline)
            {
                continue;
            }

            var result = await ApplyAsync(call.CallId, new CallTrigger.DeadlinePassed(), CallDedupKeys.Sweep(call.CallId, deadline), cancellationToken);
            ended += result.BecameFinal ? 1 : 0;
        }

        return ended;
    }

    private static MediaStats ToCallStats(Serverless.Shared.Media.MediaStats stats)
    {
        // The node reports a loss fraction; the stored counters want packets: expected = received / (1 - loss).
        var lost = stats.LossFraction is > 0 and < 1
            ? (long)Math.Round(stats.PacketsReceived / (1 - stats.LossFraction)) - stats.PacketsReceived
            : 0;
        return new MediaStats(
            stats.PacketsSent, stats.PacketsReceived, stats.BytesSent, stats.BytesReceived, lost, stats.RoundTripMs, stats.JitterMs);
    }
}
