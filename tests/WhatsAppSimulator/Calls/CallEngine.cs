using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Serverless.Testing.WhatsAppSimulator.Clock;
using Serverless.Testing.WhatsAppSimulator.Graph;
using Serverless.Testing.WhatsAppSimulator.Logging;
using Serverless.Testing.WhatsAppSimulator.Permissions;
using Serverless.Testing.WhatsAppSimulator.Phone;
using Serverless.Testing.WhatsAppSimulator.Settings;
using Serverless.Testing.WhatsAppSimulator.Users;
using Serverless.Testing.WhatsAppSimulator.Webhooks;

namespace Serverless.Testing.WhatsAppSimulator.Calls;

/// <summary>
/// Runs simulated calls: validates call actions against call state, plays the scripted user and queues the
/// webhooks Meta would send. Every timer of a scripted behaviour is armed when the call starts, at an absolute
/// instant, so tests advancing a FakeTimeProvider never race the engine.
/// </summary>
internal sealed partial class CallEngine : IAsyncDisposable
{
    private const string IdAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private readonly object _gate = new();
    private readonly Dictionary<string, SimulatedCall> _calls = new(StringComparer.Ordinal);
    private readonly SimulatorOptions _options;
    private readonly SimulatorClock _clock;
    private readonly WebhookSender _webhooks;
    private readonly CallPermissionTable _permissions;
    private readonly SimulatedUsers _users;
    private readonly CallSettingsStore _settings;
    private readonly CallWebhookWriter _writer;
    private readonly ILogger _logger;

    public CallEngine(
        SimulatorOptions options,
        SimulatorClock clock,
        WebhookSender webhooks,
        CallPermissionTable permissions,
        SimulatedUsers users,
        CallSettingsStore settings,
        ILogger logger)
    {
        _logger = logger;
        _options = options;
        _clock = clock;
        _webhooks = webhooks;
        _permissions = permissions;
        _users = users;
        _settings = settings;
        _writer = CallWebhookWriter.For(options.WebhookDialect);
    }

    public IReadOnlyList<SimulatedCall> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls.Values];
            }
        }
    }

    public SimulatedCall? Find(string callId)
    {
        lock (_gate)
        {
            return _calls.GetValueOrDefault(callId);
        }
    }

    /// <summary>§1a connect: permission, limits and duplicate checks, then the user's script.</summary>
    public CallOutcome Connect(BusinessPhoneNumber business, string to, string offerSdp, string? opaque)
    {
        SimulatedCall call;
        SimulatedUserBehavior behavior;
        lock (_gate)
        {
            if (!_settings.IsCallingEnabled(business.PhoneNumberId))
            {
                return CallOutcome.Fail(GraphErrors.CallingNotEnabled());
            }

            if (_permissions.StatusOf(to) == CallPermissionStatus.NoPermission)
            {
                return CallOutcome.Fail(GraphErrors.NoCallPermission());
            }

            if (!_permissions.TryStartCall(to, out var nextAllowed))
            {
                return CallOutcome.Fail(GraphErrors.BusinessInitiatedCallsLimit(nextAllowed));
            }

            if (HasOngoingCall(business, to))
            {
                return CallOutcome.Fail(GraphErrors.DuplicateCall());
            }

            behavior = _users.Get(to);
            call = NewCall(SimulatedCallDirection.BusinessInitiated, business, to, behavior);
            call.OfferSdp = offerSdp;
            call.BizOpaqueCallbackData = opaque;
            call.ProfileName = behavior.ProfileName;
            // The phone prepares its answer while "ringing"; the connect webhook waits for it in queue order.
            call.PendingPhoneAnswer = call.Phone.AnswerAsync(offerSdp, CancellationToken.None);
            ScheduleOutbound(call, behavior);
        }

        return CallOutcome.Ok(call);
    }

    /// <summary>§1d terminate by the business: terminate webhook COMPLETED.</summary>
    public CallOutcome Terminate(BusinessPhoneNumber business, string callId)
    {
        lock (_gate)
        {
            if (Lookup(business, callId) is not { } call)
            {
                return CallOutcome.Fail(GraphErrors.UnknownCall(callId));
            }

            if (call.Phase == SimulatedCallPhase.Ended)
            {
                return CallOutcome.Fail(GraphErrors.CallNotInState(callId, "terminate"));
            }

            End(call, "COMPLETED", null, TerminateCause.BusinessHangUp);
            return CallOutcome.Ok(call);
        }
    }

    /// <summary>Test hook: the user hangs up (or, while ringing inbound, cancels).</summary>
    public bool UserHangUp(string callId) => UserHangUp(callId, _clock.UtcNow);

    private bool UserHangUp(string callId, DateTimeOffset at)
    {
        lock (_gate)
        {
            if (!_calls.TryGetValue(callId, out var call) || call.Phase == SimulatedCallPhase.Ended)
            {
                return false;
            }

            End(call, call.Phase == SimulatedCallPhase.Connected ? "COMPLETED" : "FAILED", null, TerminateCause.UserHangUp, at);
            return true;
        }
    }

    private void ScheduleOutbound(SimulatedCall call, SimulatedUserBehavior behavior)
    {
        var start = _clock.UtcNow;
        var ringTimeoutAt = start + _options.RingTimeout;
        call.AddTimer(_clock.ScheduleAt(start + _options.RingingAfter, at => OnRinging(call, at)));

        var reactAt = start + (behavior.ReactAfter < _options.RingingAfter ? _options.RingingAfter : behavior.ReactAfter);
        var reacts = behavior.Reaction != OutboundReaction.NeverAnswer && reactAt < ringTimeoutAt;
        if (reacts)
        {
            switch (behavior.Reaction)
            {
                case OutboundReaction.Answer:
                    call.AddTimer(_clock.ScheduleAt(reactAt, at => OnOutboundAnswered(call, at)));
                    call.AddTimer(_clock.ScheduleAt(reactAt + _options.AcceptedStatusAfter, at => OnAcceptedStatus(call, at)));
                    if (behavior.HangUpAfter is { } hangUp)
                    {
                        call.AddTimer(_clock.ScheduleAt(reactAt + hangUp, at => UserHangUp(call.Id, at)));
                    }

                    break;
                case OutboundReaction.Reject:
                    call.AddTimer(_clock.ScheduleAt(reactAt, at => OnOutboundRejected(call, at)));
                    break;
                case OutboundReaction.Fail:
                    call.AddTimer(_clock.ScheduleAt(reactAt, at => OnOutboundFailed(call, behavior.FailureCode, at)));
                    break;
            }
        }

        call.AddTimer(_clock.ScheduleAt(ringTimeoutAt, at => OnRingTimeout(call, at)));
    }

    private void OnRinging(SimulatedCall call, DateTimeOffset at)
    {
        lock (_gate)
        {
            if (call.Phase == SimulatedCallPhase.Ringing)
            {
                _webhooks.Enqueue(_writer.Status(call, "RINGING", at.ToUnixTimeSeconds()));
            }
        }
    }

    private void OnOutboundAnswered(SimulatedCall call, DateTimeOffset at)
    {
        lock (_gate)
        {
            if (call.Phase != SimulatedCallPhase.Ringing)
            {
                return;
            }

            SetPhase(call, SimulatedCallPhase.Connected);
            call.ConnectedAt = at;
            _permissions.RecordConnectedCall(call.UserWaId, businessInitiated: true);
            var timestamp = at.ToUnixTimeSeconds();
            var answer = call.PendingPhoneAnswer!;
            // §2b: Meta's connect webhook carries the phone's answer; it is built once the phone produced it.
            _webhooks.Enqueue(async ct =>
            {
                string sdp;
                try
                {
                    sdp = await answer.WaitAsync(ct);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A phone that cannot answer is a failed call setup, not a crashed simulator.
                    lock (_gate)
                    {
                        if (call.Phase != SimulatedCallPhase.Ended)
                        {
                            call.ConnectedAt = null;
                            End(call, "FAILED", new WebhookCallError(138019, "Call setup failed", ex.Message), TerminateCause.Failed);
                        }
                    }

                    return null;
                }

                lock (_gate)
                {
                    call.AnswerSdp = sdp;
                }

                return _writer.Connect(call, "answer", sdp, timestamp);
            });
        }
    }

    // §2c: ACCEPTED "typically always arrives after the call has been established", for auditing.
    private void OnAcceptedStatus(SimulatedCall call, DateTimeOffset at)
    {
        lock (_gate)
        {
            if (call.Phase == SimulatedCallPhase.Connected)
            {
                _webhooks.Enqueue(_writer.Status(call, "ACCEPTED", at.ToUnixTimeSeconds()));
            }
        }
    }

    // §2c: "REJECTED is followed by a terminate webhook".
    private void OnOutboundRejected(SimulatedCall call, DateTimeOffset at)
    {
        lock (_gate)
        {
            if (call.Phase != SimulatedCallPhase.Ringing)
            {
                return;
            }

            _webhooks.Enqueue(_writer.Status(call, "REJECTED", at.ToUnixTimeSeconds()));
            _permissions.RecordUnansweredCall(call.UserWaId);
            End(call, "FAILED", null, TerminateCause.Rejected, at);
        }
    }

    private void OnOutboundFailed(SimulatedCall call, int errorCode, DateTimeOffset at)
    {
        lock (_gate)
        {
            if (call.Phase == SimulatedCallPhase.Ringing)
            {
                End(call, "FAILED", new WebhookCallError(errorCode, "Call setup failed", "The user's device could not take the call"), TerminateCause.Failed, at);
            }
        }
    }

    private void OnRingTimeout(SimulatedCall call, DateTimeOffset at)
    {
        lock (_gate)
        {
            if (call.Phase == SimulatedCallPhase.Ringing)
            {
                _permissions.RecordUnansweredCall(call.UserWaId);
                End(call, "FAILED", new WebhookCallError(
                    SimulatedUserBehavior.NotAnsweredErrorCode, "Call not answered", "The user did not answer before the ring timeout"), TerminateCause.NotAnswered, at);
            }
        }
    }

    /// <summary>Ends the call: terminate webhook (§2d), timers cancelled, phone hung up. Caller holds the lock.</summary>
    private void End(SimulatedCall call, string status, WebhookCallError? error, TerminateCause cause, DateTimeOffset? at = null)
    {
        var when = at ?? _clock.UtcNow;
        SetPhase(call, SimulatedCallPhase.Ended);
        call.EndedAt = when;
        call.EndStatus = status;
        call.CancelTimers();
        foreach (var change in _writer.Terminate(call, status, when.ToUnixTimeSeconds(), error, cause))
        {
            _webhooks.Enqueue(change);
        }
        _ = HangUpPhoneAsync(call.Phone);
    }

    private static async Task HangUpPhoneAsync(ISimulatedPhone phone)
    {
        try
        {
            await phone.HangUpAsync(CancellationToken.None);
        }
        finally
        {
            await phone.DisposeAsync();
        }
    }

    private SimulatedCall NewCall(SimulatedCallDirection direction, BusinessPhoneNumber business, string userWaId, SimulatedUserBehavior behavior)
    {
        var id = "wacid." + RandomNumberGenerator.GetString(IdAlphabet, 28);
        var phone = _options.PhoneFactory.Create(new SimulatedPhoneContext(id, direction, userWaId, business.PhoneNumberId, behavior));
        var call = new SimulatedCall(id, direction, business, userWaId, _clock.UtcNow, phone);
        phone.Ended += (_, e) => OnPhoneEnded(call, e);
        _calls[id] = call;
        LogPhase(call);
        return call;
    }

    private void SetPhase(SimulatedCall call, SimulatedCallPhase phase)
    {
        call.Phase = phase;
        LogPhase(call);
    }

    private void LogPhase(SimulatedCall call)
    {
        if (_logger.IsEnabled(LogLevel.Information))
        {
            var user = SimulatorLog.Mask(call.UserWaId);
            var phase = call.Phase.ToString();
            SimulatorLog.CallPhase(_logger, call.Id, call.DirectionWire, user, phase);
        }
    }

    private void OnPhoneEnded(SimulatedCall call, SimulatedPhoneEndedEventArgs e)
    {
        lock (_gate)
        {
            if (call.Phase == SimulatedCallPhase.Ended)
            {
                return;
            }

            var error = e.ErrorCode is { } code ? new WebhookCallError(code, e.Reason, e.Reason) : null;
            var completed = error is null && call.Phase == SimulatedCallPhase.Connected;
            End(call, completed ? "COMPLETED" : "FAILED", error, completed ? TerminateCause.UserHangUp : TerminateCause.Failed);
        }
    }

    /// <summary>Releases the phones of calls still running when the simulator stops; no webhooks are sent.</summary>
    public async ValueTask DisposeAsync()
    {
        List<SimulatedCall> running;
        lock (_gate)
        {
            running = [.. _calls.Values.Where(c => c.Phase != SimulatedCallPhase.Ended)];
            foreach (var call in running)
            {
                call.CancelTimers();
            }
        }

        foreach (var call in running)
        {
            await call.Phone.DisposeAsync();
        }
    }

    private bool HasOngoingCall(BusinessPhoneNumber business, string userWaId) =>
        _calls.Values.Any(c => c.Phase != SimulatedCallPhase.Ended
            && c.UserWaId == userWaId
            && c.Business.PhoneNumberId == business.PhoneNumberId);

    private SimulatedCall? Lookup(BusinessPhoneNumber business, string callId) =>
        _calls.TryGetValue(callId, out var call) && call.Business.PhoneNumberId == business.PhoneNumberId ? call : null;
}
