using Microsoft.Extensions.Logging;
using Serverless.Functions.Calls;
using Serverless.Shared.WhatsApp.Webhooks;

namespace Serverless.Functions.Flows;

public sealed partial class CallFlow
{
    /// <summary>
    /// A call webhook (answer, status, terminate) for <paramref name="wacid"/>: applied to its call, or held
    /// (<see cref="HeldWebhookStore"/>) while no call is routable by that wacid yet, which happens when Meta
    /// is faster with the webhook than with the response to our <c>connect</c>.
    /// </summary>
    public async Task OnCallWebhookAsync(string wacid, WebhookEvent evt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(evt);
        var call = Routable(await _store.FindByWacidAsync(wacid, cancellationToken));
        if (call is null && _held.Enabled)
        {
            await _held.HoldAsync(wacid, evt, cancellationToken);
            // The connect response may have been recorded between the lookup and the hold, after its replay read the
            // held rows: look again, so the event cannot fall between the two (the dedup key makes a double apply once).
            call = Routable(await _store.FindByWacidAsync(wacid, cancellationToken));
            if (call is null)
            {
                LogHeld(wacid, evt.GetType().Name);
                return;
            }
        }

        if (call is null)
        {
            LogUnknownWacid(wacid, evt.GetType().Name);
            return;
        }

        await ApplyCallWebhookAsync(call, evt, cancellationToken);
    }

    /// <summary>Applies what was held for <paramref name="wacid"/> now that <paramref name="callId"/> owns it.</summary>
    private async Task ApplyHeldAsync(string callId, string wacid, CancellationToken cancellationToken)
    {
        if (!_held.Enabled)
        {
            return;
        }

        foreach (var (rowKey, evt) in await _held.ListAsync(wacid, cancellationToken))
        {
            // Re-read per event: each one may have moved the call (the answer, then a terminate).
            if (await _store.GetAsync(callId, cancellationToken) is not { } call)
            {
                return;
            }

            LogApplyingHeld(callId, wacid, evt.GetType().Name);
            await ApplyCallWebhookAsync(call, evt, cancellationToken);
            await _held.RemoveAsync(wacid, rowKey, cancellationToken);
        }
    }

    private Task ApplyCallWebhookAsync(CallRecord call, WebhookEvent evt, CancellationToken cancellationToken) => evt switch
    {
        CallConnect answer => OnOutboundAnswerAsync(call, answer, cancellationToken),
        CallStatus status => OnStatusAsync(call, status, cancellationToken),
        CallTerminate terminate => OnTerminateAsync(call, terminate, cancellationToken),
        _ => throw new ArgumentException($"{evt.GetType().Name} is not a call webhook.", nameof(evt)),
    };

    // The wacid index is written just before the call records ConnectSent: a call still Preparing is not routable yet.
    private static CallRecord? Routable(CallRecord? call) =>
        call is { Direction: Calls.CallDirection.Outbound, State: CallState.Preparing } ? null : call;

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook {Event} for wacid {Wacid} held until a call owns the wacid")]
    private partial void LogHeld(string wacid, string @event);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook {Event} for unknown wacid {Wacid}: acknowledged, not processed")]
    private partial void LogUnknownWacid(string wacid, string @event);

    [LoggerMessage(Level = LogLevel.Information, Message = "Call {CallId}: applying held webhook {Event} for wacid {Wacid}")]
    private partial void LogApplyingHeld(string callId, string wacid, string @event);
}
