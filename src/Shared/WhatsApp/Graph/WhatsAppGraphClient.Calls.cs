using Microsoft.Extensions.Logging;
using Serverless.Shared.WhatsApp.Graph.Models;

namespace Serverless.Shared.WhatsApp.Graph;

/// <summary><c>POST /&lt;PHONE_NUMBER_ID&gt;/calls</c> actions (meta-calling-api.md §1).</summary>
public sealed partial class WhatsAppGraphClient
{
    /// <summary>
    /// Starts a business-initiated call with our SDP offer and returns Meta's call id (<c>wacid.…</c>).
    /// Non-sha-256 fingerprints are stripped first. Retried only when Meta cannot have started the call.
    /// </summary>
    /// <exception cref="ArgumentException">Bad number, or no sha-256 fingerprint in the offer; nothing was sent.</exception>
    public async Task<string> ConnectAsync(
        string phoneNumberId, string to, string sdpOffer, string? bizOpaqueCallbackData = null, CancellationToken cancellationToken = default)
    {
        var user = WaId.Parse(to, nameof(to));
        var request = new CallActionRequest
        {
            To = user.Digits,
            Action = "connect",
            Session = new CallSession(CallSession.Offer, SdpFingerprintFilter.KeepSha256Only(sdpOffer, nameof(sdpOffer))),
            BizOpaqueCallbackData = GraphArguments.OpaqueData(bizOpaqueCallbackData),
        };

        var response = await PostAsync(
            GraphAction.Connect, CallsUri(phoneNumberId), request,
            WhatsAppGraphJsonContext.Default.CallActionRequest, WhatsAppGraphJsonContext.Default.ConnectCallResponse, cancellationToken);

        var callId = response.Calls is [{ Id: { Length: > 0 } id }, ..] ? id : response.CallId;
        if (string.IsNullOrEmpty(callId))
        {
            throw new WhatsAppResponseFormatException(GraphAction.Connect, System.Net.HttpStatusCode.OK, "it carried neither calls[0].id nor call_id.");
        }

        if (_logger.IsEnabled(LogLevel.Information))
        {
            var maskedWaId = user.Masked;
            LogSentToUser(GraphAction.Connect, phoneNumberId, maskedWaId);
        }

        return callId;
    }

    /// <summary>Pre-accepts a user-initiated call with our SDP answer (ICE/DTLS start before the call is answered).</summary>
    public Task PreAcceptAsync(string phoneNumberId, string callId, string sdpAnswer, CancellationToken cancellationToken = default) =>
        CallActionAsync(GraphAction.PreAccept, phoneNumberId, new CallActionRequest
        {
            CallId = GraphArguments.CallId(callId),
            Action = "pre_accept",
            Session = new CallSession(CallSession.Answer, SdpFingerprintFilter.KeepSha256Only(sdpAnswer, nameof(sdpAnswer))),
        }, cancellationToken);

    /// <summary>Accepts a user-initiated call; the SDP must equal the one sent with pre_accept.</summary>
    public Task AcceptAsync(
        string phoneNumberId, string callId, string sdpAnswer, string? bizOpaqueCallbackData = null, CancellationToken cancellationToken = default) =>
        CallActionAsync(GraphAction.Accept, phoneNumberId, new CallActionRequest
        {
            CallId = GraphArguments.CallId(callId),
            Action = "accept",
            Session = new CallSession(CallSession.Answer, SdpFingerprintFilter.KeepSha256Only(sdpAnswer, nameof(sdpAnswer))),
            BizOpaqueCallbackData = GraphArguments.OpaqueData(bizOpaqueCallbackData),
        }, cancellationToken);

    /// <summary>Rejects a user-initiated call.</summary>
    public Task RejectAsync(string phoneNumberId, string callId, CancellationToken cancellationToken = default) =>
        CallActionAsync(GraphAction.Reject, phoneNumberId, new CallActionRequest
        {
            CallId = GraphArguments.CallId(callId),
            Action = "reject",
        }, cancellationToken);

    /// <summary>Ends a call (either direction); needed even after an RTCP BYE, for accurate pricing.</summary>
    public Task TerminateAsync(string phoneNumberId, string callId, CancellationToken cancellationToken = default) =>
        CallActionAsync(GraphAction.Terminate, phoneNumberId, new CallActionRequest
        {
            CallId = GraphArguments.CallId(callId),
            Action = "terminate",
        }, cancellationToken);

    private async Task CallActionAsync(GraphAction action, string phoneNumberId, CallActionRequest request, CancellationToken cancellationToken)
    {
        var response = await PostAsync(
            action, CallsUri(phoneNumberId), request,
            WhatsAppGraphJsonContext.Default.CallActionRequest, WhatsAppGraphJsonContext.Default.GraphSuccessResponse, cancellationToken);
        EnsureSuccess(action, response);
    }

    private Uri CallsUri(string phoneNumberId) => _options.EdgeUri(GraphArguments.PhoneNumberId(phoneNumberId), "calls");
}
