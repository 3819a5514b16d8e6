using System.Text.Json;
using Microsoft.Extensions.Logging;
using Serverless.Functions.Calls;
using Serverless.Functions.Graph;
using Serverless.Functions.Nodes;
using Serverless.Shared.WhatsApp.Webhooks;

namespace Serverless.Functions.Flows;

public sealed partial class CallFlow
{
    /// <summary>Call metadata marking an inbound call answered only to play the closed-hours prompt.</summary>
    public const string ClosedHoursKey = "closedHours";

    /// <summary>
    /// Inbound step 1: Meta's connect webhook with the user's offer creates the call (Offered) and asks any free node
    /// for an answer. A redelivery finds the wacid taken and changes nothing (the start command is re-sent with the
    /// same MessageId while no node has answered yet, in case the first delivery failed before sending it).
    /// </summary>
    public async Task OnInboundOfferAsync(string phoneNumberId, CallConnect offer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(offer);
        if (string.IsNullOrEmpty(offer.From))
        {
            // Without the caller's id the call cannot be stored or served: decline it within Meta's answer window.
            LogCannotServe(offer.CallId, "caller id missing");
            await RejectUnservedAsync(phoneNumberId, offer.CallId, cancellationToken);
            return;
        }

        // Inside hours the number's inbound plan answers (none: silence until hung up); outside, the closed-hours rule.
        var closedHoursPlan = default(JsonElement?);
        if (!await _hours.IsOpenAsync(phoneNumberId, cancellationToken))
        {
            closedHoursPlan = _hours.ClosedHoursPlan();
            if (closedHoursPlan is null)
            {
                // Closed: decline within Meta's answer window, before anything is stored.
                LogCannotServe(offer.CallId, "outside business hours");
                await RejectUnservedAsync(phoneNumberId, offer.CallId, cancellationToken);
                return;
            }
        }

        var now = _time.GetUtcNow();
        var call = CallRecord.NewInbound(CallIds.New(_time), phoneNumberId, offer.From, offer.CallId, now, Timeouts)
            with { BizOpaqueData = offer.BizOpaqueCallbackData, CallerName = offer.CallerName };
        if (closedHoursPlan is not null)
        {
            // Answered to play the closed-hours prompt, then hung up by the plan; kept so a redelivery plays the same.
            call = call with { Metadata = new Dictionary<string, string>(StringComparer.Ordinal) { [ClosedHoursKey] = "true" } };
        }
        // The nodes' room and the insert don't depend on each other: one round trip on Meta's answer path, not two.
        var roomRead = _nodes.FindRoomAsync(cancellationToken);
        var create = _store.CreateAsync(call, cancellationToken);
        await Task.WhenAll(roomRead, create);
        var room = await roomRead;
        var created = await create;
        if (created.Created && room == NodeRoom.Full)
        {
            // Every live node is full or draining: a start would wait in the new-calls queue while the user hears
            // ringing. Refuse now, as a node's capacity failure does: Meta gets reject, the call ends `capacity`.
            LogInboundCreated(call.CallId, offer.CallId, phoneNumberId);
            await _callbacks.OnCreatedAsync(call, cancellationToken);
            await ApplyAsync(call.CallId, new CallTrigger.MediaFailed(NoRoomError), CallDedupKeys.NoRoom(call.CallId), cancellationToken);
            return;
        }

        if (created.Created)
        {
            LogInboundCreated(call.CallId, offer.CallId, phoneNumberId);
            var plan = await _planFilter.ApplyAsync(closedHoursPlan ?? _inboundPlans.For(phoneNumberId), cancellationToken);
            await _commands.SendAsync(CallCommands.StartInbound(call, offer.Sdp, now, plan), cancellationToken);
            await _callbacks.OnCreatedAsync(call, cancellationToken);
            // A terminate delivered before its connect (redelivery reorders) waited for the wacid.
            await ApplyHeldAsync(call.CallId, offer.CallId, cancellationToken);
            return;
        }

        var result = await ApplyAsync(
            created.CallId, new CallTrigger.InboundOffer(offer.CallId), CallDedupKeys.WebhookCallEvent(offer.CallId, "connect"), cancellationToken);
        // Not judged by room again: the first delivery's start may be what filled the node that is answering it now.
        // A start no node takes fails at the placement window (CallTimeouts.Placement).
        if (result.Call is { State: CallState.Offered, NodeId: null } existing)
        {
            var plan = existing.Metadata.ContainsKey(ClosedHoursKey) ? _hours.ClosedHoursPlan() : _inboundPlans.For(existing.BusinessPhoneNumberId);
            await _commands.SendAsync(CallCommands.StartInbound(existing, offer.Sdp, existing.CreatedAt, await _planFilter.ApplyAsync(plan, cancellationToken)), cancellationToken);
        }
    }

    /// <summary>The error of a call refused because every live node reported itself full or draining.</summary>
    internal static CallError NoRoomError { get; } =
        new(CallErrorCodes.Capacity, "No media node had capacity: every live node reported itself full or draining.");

    /// <summary>Inbound step 2: the node's answer goes into <c>pre_accept</c> and then <c>accept</c>, the identical SDP.</summary>
    public async Task<ApplyResult> OnAnswerReadyAsync(string callId, string nodeId, string sdpAnswer, string eventId, CancellationToken cancellationToken)
    {
        var result = await ApplyAsync(callId, new CallTrigger.AnswerReady(nodeId), CallDedupKeys.MediaEvent(eventId), cancellationToken);
        if (result.Status != ApplyStatus.Applied)
        {
            await FreeOrphanPeerAsync(result, nodeId, cancellationToken);
            return result;
        }

        var call = result.Call!;
        var wacid = call.Wacid!;
        var dedup = CallDedupKeys.GraphAction(callId, "accept");
        try
        {
            // Each request re-checks the call: the user may hang up while pre_accept is in flight, and Meta answers
            // an accept for a call it ended with 400. For pre_accept the record just written is that check (a read
            // now would return the same), which keeps a table round trip off the webhook → pre_accept path.
            if (!MayAct(callId, CallGraphAction.PreAccept, call, null))
            {
                return await SkippedAsync(callId, cancellationToken);
            }

            await _graph.PreAcceptAsync(call.BusinessPhoneNumberId, wacid, sdpAnswer, cancellationToken);
            if (!await MayActAsync(callId, CallGraphAction.Accept, null, cancellationToken))
            {
                return await SkippedAsync(callId, cancellationToken);
            }

            await _graph.AcceptAsync(call.BusinessPhoneNumberId, wacid, sdpAnswer, call.BizOpaqueData, cancellationToken);
        }
        catch (WhatsAppCallException ex)
        {
            LogGraphFailed(ex, callId, "accept", ex.Code);
            return await ApplyAsync(callId, new CallTrigger.GraphError(ex.Code ?? 0, ex.Message), dedup, cancellationToken);
        }

        return await ApplyAsync(callId, new CallTrigger.Accepted(), dedup, cancellationToken);
    }

    /// <summary>A Graph step skipped because the call ended meanwhile: nothing changed, report the call as it is.</summary>
    private async Task<ApplyResult> SkippedAsync(string callId, CancellationToken cancellationToken) => new()
    {
        Status = ApplyStatus.NoChange,
        Call = await _store.GetAsync(callId, cancellationToken),
        Reason = "the call ended before its Graph request",
    };

    /// <summary>Declines a call that was never stored (no record to re-check: nothing of ours can have ended it).</summary>
    private async Task RejectUnservedAsync(string phoneNumberId, string wacid, CancellationToken cancellationToken)
    {
        try
        {
            await _graph.RejectAsync(phoneNumberId, wacid, cancellationToken);
        }
        catch (WhatsAppCallException ex)
        {
            LogGraphEndFailed(ex, wacid, "reject", ex.Code);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Inbound call {CallId} created for wacid {Wacid} on number {PhoneNumberId}")]
    private partial void LogInboundCreated(string callId, string wacid, string phoneNumberId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inbound wacid {Wacid} cannot be served: {Reason}; rejecting")]
    private partial void LogCannotServe(string wacid, string reason);
}
