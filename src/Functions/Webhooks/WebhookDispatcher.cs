using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Functions.Flows;
using Serverless.Functions.Graph;
using Serverless.Functions.Permissions;
using Serverless.Functions.Privacy;
using Serverless.Shared.WhatsApp.Webhooks;

namespace Serverless.Functions.Webhooks;

/// <summary>
/// Routes a verified delivery's events, in document order, to the flows. Idempotency lives in the call store:
/// every event applies under its dedup key, so a redelivered or reordered event acts at most once.
/// </summary>
public sealed partial class WebhookDispatcher(
    CallFlow flow,
    IOptions<MetaOptions> meta,
    IPermissionService permissions,
    UserOptOut optOut,
    ILogger<WebhookDispatcher> logger)
{
    public async Task DispatchAsync(WebhookBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        foreach (var skipped in batch.Skipped)
        {
            LogSkipped(skipped.Path, skipped.Reason, skipped.Detail);
        }

        foreach (var evt in batch.Events)
        {
            // The seed guide's flat shape carries no metadata; it can only be meant for our default number.
            var phoneNumberId = evt.PhoneNumberId ?? meta.Value.DefaultPhoneNumberId;
            if (!meta.Value.Serves(phoneNumberId))
            {
                LogForeignNumber(phoneNumberId, evt.GetType().Name);
                continue;
            }

            await DispatchAsync(phoneNumberId, evt, cancellationToken);
        }
    }

    private async Task DispatchAsync(string phoneNumberId, WebhookEvent evt, CancellationToken cancellationToken)
    {
        switch (evt)
        {
            case CallConnect { SdpType: SdpType.Offer } offer:
                await flow.OnInboundOfferAsync(phoneNumberId, offer, cancellationToken);
                break;
            case CallConnect answer:
                await flow.OnCallWebhookAsync(answer.CallId, answer, cancellationToken);
                break;
            case CallStatus status:
                await flow.OnCallWebhookAsync(status.CallId, status, cancellationToken);
                break;
            case CallTerminate terminate:
                await flow.OnCallWebhookAsync(terminate.CallId, terminate, cancellationToken);
                break;
            case CallPermissionReply reply:
                // Replies older than the last applied one are ignored by the service, so redelivery is harmless.
                await permissions.ApplyReplyAsync(reply with { PhoneNumberId = phoneNumberId }, cancellationToken);
                await optOut.OnPermissionReplyAsync(phoneNumberId, reply, cancellationToken);
                break;
            case TextMessage text:
                await optOut.OnTextAsync(phoneNumberId, text, cancellationToken);
                break;
            default:
                // Account-level errors are recorded by Meta's own tooling; we only log them.
                if (logger.IsEnabled(LogLevel.Information))
                {
                    var description = evt.ToString();
                    LogNotACallEvent(description);
                }
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook for number {PhoneNumberId} we do not serve ({EventType}): acknowledged, not processed")]
    private partial void LogForeignNumber(string phoneNumberId, string eventType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook event not handled by the call flows: {Event}")]
    private partial void LogNotACallEvent(string @event);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook item {Path} skipped: {Reason} ({Detail})")]
    private partial void LogSkipped(string path, SkipReason reason, string detail);
}
