using Serverless.Testing.WhatsAppSimulator.Graph;
using Serverless.Testing.WhatsAppSimulator.Webhooks;

namespace Serverless.Testing.WhatsAppSimulator.Calls;

/// <summary>User-initiated calls: connect offer webhook, pre_accept / accept / reject, the answer window.</summary>
internal sealed partial class CallEngine
{
    /// <summary>The user calls the business: §2a connect webhook with the phone's offer.</summary>
    public async Task<SimulatedCall> StartInboundAsync(BusinessPhoneNumber business, string fromWaId, InboundCallOptions options, CancellationToken cancellationToken)
    {
        SimulatedCall call;
        lock (_gate)
        {
            var behavior = _users.Get(fromWaId);
            call = NewCall(SimulatedCallDirection.UserInitiated, business, fromWaId, behavior);
            call.ProfileName = options.ProfileName ?? behavior.ProfileName;
            call.DeeplinkPayload = options.DeeplinkPayload;
            call.CtaPayload = options.CtaPayload;
        }

        string offer;
        try
        {
            offer = await call.Phone.CreateOfferAsync(cancellationToken);
        }
        catch
        {
            // The call never reached the business: forget it without a webhook, and release the phone.
            lock (_gate)
            {
                SetPhase(call, SimulatedCallPhase.Ended);
                call.EndedAt = _clock.UtcNow;
            }

            await call.Phone.DisposeAsync();
            throw;
        }

        lock (_gate)
        {
            call.OfferSdp = offer;
            _webhooks.Enqueue(_writer.Connect(call, "offer", offer, _clock.UnixSeconds));
            // §6: "about 30 to 60 seconds after the Call Connect webhook" the user sees "Not Answered".
            var window = options.AnswerWindow ?? _options.InboundAnswerWindow;
            call.AddTimer(_clock.ScheduleAt(_clock.UtcNow + window, at => OnAnswerWindowElapsed(call, at)));
            GrantCallbackPermission(call);
        }

        return call;
    }

    /// <summary>§1b pre_accept: remembers the SDP accept must repeat, and hands it to the phone early.</summary>
    public async Task<CallOutcome> PreAcceptAsync(BusinessPhoneNumber business, string callId, string answerSdp, CancellationToken cancellationToken)
    {
        SimulatedCall call;
        lock (_gate)
        {
            if (Lookup(business, callId) is not { } found)
            {
                return CallOutcome.Fail(GraphErrors.UnknownCall(callId));
            }

            if (found.Direction != SimulatedCallDirection.UserInitiated || found.Phase != SimulatedCallPhase.Ringing)
            {
                return CallOutcome.Fail(GraphErrors.CallNotInState(callId, "pre_accept"));
            }

            call = found;
            call.PreAcceptSdp = answerSdp;
            SetPhase(call, SimulatedCallPhase.PreAccepted);
        }

        await call.Phone.ApplyAnswerAsync(answerSdp, cancellationToken);
        return CallOutcome.Ok(call);
    }

    /// <summary>§1c accept: SDP must equal the pre_accept SDP when there was one.</summary>
    public async Task<CallOutcome> AcceptAsync(BusinessPhoneNumber business, string callId, string answerSdp, string? opaque, CancellationToken cancellationToken)
    {
        SimulatedCall call;
        bool applyToPhone;
        lock (_gate)
        {
            if (Lookup(business, callId) is not { } found)
            {
                return CallOutcome.Fail(GraphErrors.UnknownCall(callId));
            }

            if (found.Direction != SimulatedCallDirection.UserInitiated
                || found.Phase is not (SimulatedCallPhase.Ringing or SimulatedCallPhase.PreAccepted))
            {
                return CallOutcome.Fail(GraphErrors.CallNotInState(callId, "accept"));
            }

            if (found.PreAcceptSdp is { } preAccepted && !string.Equals(preAccepted, answerSdp, StringComparison.Ordinal))
            {
                return CallOutcome.Fail(GraphErrors.AcceptSdpMismatch());
            }

            call = found;
            applyToPhone = call.PreAcceptSdp is null;
            call.CancelTimers();
            SetPhase(call, SimulatedCallPhase.Connected);
            call.ConnectedAt = _clock.UtcNow;
            call.AnswerSdp = answerSdp;
            call.BizOpaqueCallbackData = opaque ?? call.BizOpaqueCallbackData;
            _permissions.RecordConnectedCall(call.UserWaId, businessInitiated: false);
            if (_users.Get(call.UserWaId).HangUpAfter is { } hangUp)
            {
                call.AddTimer(_clock.ScheduleAt(_clock.UtcNow + hangUp, at => UserHangUp(call.Id, at)));
            }
        }

        if (applyToPhone)
        {
            await call.Phone.ApplyAnswerAsync(answerSdp, cancellationToken);
        }

        return CallOutcome.Ok(call);
    }

    /// <summary>§1d reject of a ringing user-initiated call: terminate webhook FAILED (the call never connected).</summary>
    public CallOutcome Reject(BusinessPhoneNumber business, string callId)
    {
        lock (_gate)
        {
            if (Lookup(business, callId) is not { } call)
            {
                return CallOutcome.Fail(GraphErrors.UnknownCall(callId));
            }

            if (call.Direction != SimulatedCallDirection.UserInitiated
                || call.Phase is not (SimulatedCallPhase.Ringing or SimulatedCallPhase.PreAccepted))
            {
                return CallOutcome.Fail(GraphErrors.CallNotInState(callId, "reject"));
            }

            End(call, "FAILED", null, TerminateCause.Rejected);
            return CallOutcome.Ok(call);
        }
    }

    // §3 way (2): with callback_permission_status ENABLED, a user who calls grants temporary permission;
    // Meta reports it as a call_permission_reply with response_source "automatic" and the call id as context.
    private void GrantCallbackPermission(SimulatedCall call)
    {
        if (!_settings.IsCallbackPermissionEnabled(call.Business.PhoneNumberId)
            || _permissions.StatusOf(call.UserWaId) != Permissions.CallPermissionStatus.NoPermission)
        {
            return;
        }

        _permissions.Grant(call.UserWaId);
        var now = _clock.UtcNow;
        _webhooks.Enqueue(WebhookValues.PermissionReply(
            call.Business, call.UserWaId, call.ProfileName, call.Id, Permissions.PermissionRequestResponder.NewMessageId(),
            now.ToUnixTimeSeconds(), accepted: true, permanent: false,
            (now + Permissions.CallPermissionTable.TemporaryPermissionLifetime).ToUnixTimeSeconds(), "automatic"));
    }

    private void OnAnswerWindowElapsed(SimulatedCall call, DateTimeOffset at)
    {
        lock (_gate)
        {
            if (call.Phase is SimulatedCallPhase.Ringing or SimulatedCallPhase.PreAccepted)
            {
                End(call, "FAILED", new WebhookCallError(
                    Users.SimulatedUserBehavior.NotAnsweredErrorCode, "Call not answered", "The business did not accept the call within the answer window"), TerminateCause.NotAnswered, at);
            }
        }
    }
}
