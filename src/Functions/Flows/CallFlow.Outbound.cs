using System.Text.Json;
using Microsoft.Extensions.Logging;
using Serverless.Functions.Calls;
using Serverless.Functions.Graph;
using Serverless.Shared.Media;
using Serverless.Shared.WhatsApp.Webhooks;

namespace Serverless.Functions.Flows;

public sealed partial class CallFlow
{
    /// <summary>Step 1 (dial): the call is stored in Preparing; ask any free node for an offer.</summary>
    public async Task StartOutboundAsync(CallRecord call, JsonElement? audioPlan, CancellationToken cancellationToken) =>
        await _commands.SendAsync(CallCommands.StartOutbound(call, await _planFilter.ApplyAsync(audioPlan, cancellationToken), _time.GetUtcNow()), cancellationToken);

    /// <summary>Steps 2–3: the node's offer goes into Graph <c>connect</c>; Meta's call id or error is recorded.</summary>
    public async Task<ApplyResult> OnOfferReadyAsync(string callId, string nodeId, string sdpOffer, string eventId, CancellationToken cancellationToken)
    {
        var result = await ApplyAsync(callId, new CallTrigger.OfferReady(nodeId), CallDedupKeys.MediaEvent(eventId), cancellationToken);
        if (result.Status != ApplyStatus.Applied)
        {
            await FreeOrphanPeerAsync(result, nodeId, cancellationToken);
            return result;
        }

        var call = result.Call!;
        var dedup = CallDedupKeys.GraphAction(callId, "connect");
        if (!await MayActAsync(callId, CallGraphAction.Connect, null, cancellationToken))
        {
            // Ended (e.g. DELETE) after the node's offer was recorded: never ring the user; the node was told in FinishAsync.
            return await SkippedAsync(callId, cancellationToken);
        }

        string wacid;
        try
        {
            wacid = await _graph.ConnectAsync(call.BusinessPhoneNumberId, call.UserWaId, sdpOffer, call.BizOpaqueData, cancellationToken);
        }
        catch (WhatsAppCallException ex)
        {
            LogGraphFailed(ex, callId, "connect", ex.Code);
            return await ApplyAsync(callId, new CallTrigger.GraphError(ex.Code ?? 0, ex.Message), dedup, cancellationToken);
        }

        var connected = await ApplyAsync(callId, new CallTrigger.ConnectSent(wacid), dedup, cancellationToken);
        if (connected.Status == ApplyStatus.Applied)
        {
            // Meta may have sent RINGING and the answer before this response: they waited for the wacid.
            await ApplyHeldAsync(callId, wacid, cancellationToken);
        }

        if (connected.Status != ApplyStatus.Applied && connected.Call is { IsFinal: true, Wacid: null } ended)
        {
            // The call ended (e.g. DELETE) while connect was in flight: Meta rings a call we no longer track.
            try
            {
                // The call's own ending never reached Meta (it had no wacid then): this terminate carries it.
                if (await MayActAsync(callId, CallGraphAction.Terminate, ended, cancellationToken))
                {
                    await _graph.TerminateAsync(ended.BusinessPhoneNumberId, wacid, cancellationToken);
                }
            }
            catch (WhatsAppCallException ex)
            {
                LogGraphEndFailed(ex, callId, "terminate", ex.Code);
            }
        }

        return connected;
    }

    /// <summary>Step 4: Meta's connect webhook carries the answer to our offer; the owning node applies it.</summary>
    public async Task OnOutboundAnswerAsync(CallRecord call, CallConnect answer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(answer);
        var result = await ApplyAsync(
            call.CallId, new CallTrigger.AnswerReceived(), CallDedupKeys.WebhookCallEvent(answer.CallId, "connect"), cancellationToken);
        var current = result.Call;
        // A redelivery while still ringing re-sends the same command (same MessageId, so the node runs it once):
        // the first delivery may have been recorded and then failed before the send.
        var send = result.Status == ApplyStatus.Applied
            || (result.Status is ApplyStatus.DuplicateDelivery or ApplyStatus.NoChange
                && current is { State: CallState.Ringing, AnswerReceivedAt: not null });
        if (!send || current?.NodeId is not { } nodeId)
        {
            return;
        }

        await _commands.SendAsync(CallCommands.ApplyAnswer(current, nodeId, answer.Sdp, _time.GetUtcNow()), cancellationToken);
        if (_options.AcceptAfterOutboundAnswer && result.Status == ApplyStatus.Applied
            && await MayActAsync(current.CallId, CallGraphAction.Accept, null, cancellationToken))
        {
            try
            {
                await _graph.AcceptAsync(current.BusinessPhoneNumberId, answer.CallId, answer.Sdp, current.BizOpaqueData, cancellationToken);
            }
            catch (WhatsAppCallException ex)
            {
                // Meta's real API needs no accept here; the seed guide's extra POST failing must not end the call.
                LogGraphEndFailed(ex, call.CallId, "accept", ex.Code);
            }
        }
    }

    /// <summary>Step 4: <c>statuses[]</c> RINGING/ACCEPTED/REJECTED are recorded; REJECTED ends the call.</summary>
    public Task OnStatusAsync(CallRecord call, CallStatus status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(status);
        CallTrigger? trigger = status.Status switch
        {
            CallStatusKind.Ringing => new CallTrigger.StatusRinging(),
            CallStatusKind.Accepted => new CallTrigger.StatusAccepted(),
            CallStatusKind.Rejected or CallStatusKind.Busy => new CallTrigger.StatusRejected(),
            _ => null,
        };
        if (trigger is null)
        {
            LogUnhandledStatus(call.CallId, status.StatusText);
            return Task.CompletedTask;
        }

        return ApplyAsync(call.CallId, trigger, CallDedupKeys.WebhookStatus(status.CallId, status.StatusText), cancellationToken);
    }

    /// <summary>Step 5: the terminate webhook ends the call in either direction.</summary>
    public Task OnTerminateAsync(CallRecord call, CallTerminate terminate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(terminate);
        // The seed guide's flat terminate has no status, only a reason; a hang-up by either side is a completed call.
        var seedHangUp = terminate.Status == CallTerminateStatus.Unknown
            && terminate.Reason is "user_hangup" or "business_hangup";
        var status = terminate.Status == CallTerminateStatus.Completed || seedHangUp ? TerminateStatus.Completed : TerminateStatus.Failed;
        var error = terminate.Errors is [var first, ..] && first.Code is { } code
            ? CallError.Meta(code, first.Message ?? first.Title ?? string.Empty)
            : null;
        var duration = terminate.Duration is { } d ? (int?)(int)d.TotalSeconds : null;
        return ApplyAsync(
            call.CallId, new CallTrigger.Terminated(status, duration, error),
            CallDedupKeys.WebhookCallEvent(terminate.CallId, "terminate"), cancellationToken);
    }

    /// <summary>
    /// A node made a peer for a call that ended (or that another node owns): tell that node to drop it, so a
    /// late offer or answer never leaks a peer.
    /// </summary>
    private async Task FreeOrphanPeerAsync(ApplyResult result, string nodeId, CancellationToken cancellationToken)
    {
        if (result.Call is { } call && call.NodeId != nodeId)
        {
            var hangup = CallCommands.Hangup(call, nodeId, HangupReasonForOrphan(call), _time.GetUtcNow());
            await _commands.SendAsync(hangup, cancellationToken);
        }
    }

    private static HangupReason HangupReasonForOrphan(CallRecord call) =>
        call.IsFinal ? CallCommands.ReasonFor(call) : HangupReason.Failed;

    [LoggerMessage(Level = LogLevel.Information, Message = "Call {CallId}: status {Status} recorded nowhere (not a call progress status)")]
    private partial void LogUnhandledStatus(string callId, string status);
}
