using Microsoft.Extensions.Logging;
using Serverless.Shared.WhatsApp.Graph;
using Serverless.Shared.WhatsApp.Graph.Models;
using Serverless.Shared.WhatsApp.Webhooks;

namespace Serverless.Functions.Permissions;

/// <summary>Permission requests (with our guard) and reply webhooks.</summary>
public sealed partial class PermissionService
{
    /// <summary>Meta's limit on an interactive message body.</summary>
    public const int MaxBodyTextLength = 1024;

    /// <summary>Meta: a temporary permission lasts 7 days from approval (used when a reply carries no expiry).</summary>
    public static readonly TimeSpan TemporaryPermissionLifetime = TimeSpan.FromDays(7);

    /// <inheritdoc />
    public async Task<PermissionRequestOutcome> RequestPermissionAsync(
        string waId, string? bodyText = null, string? phoneNumberId = null, CancellationToken cancellationToken = default)
    {
        if (bodyText is not null && (bodyText.Length == 0 || bodyText.Length > MaxBodyTextLength))
        {
            throw new ArgumentException($"The body text must be 1 to {MaxBodyTextLength} characters.", nameof(bodyText));
        }

        var (pn, user) = Pair(waId, phoneNumberId);
        PermissionRecord record;
        try
        {
            record = await LoadFreshAsync(pn, user, cancellationToken);
        }
        catch (PermissionRateLimitedException)
        {
            // The lookup only refines the decision; our guard below still holds.
            record = await _store.GetAsync(pn, user, cancellationToken);
        }

        if (record.Status == CallPermissionStatus.Permanent)
        {
            return new PermissionRequestOutcome.AlreadyPermanent();
        }

        if (MetaRequestBlock(record) is { } meta)
        {
            return new PermissionRequestOutcome.Throttled(RequestRefusal.MetaLimit, meta.NextAllowedAt, meta.Detail);
        }

        // Reserve the slot before sending, so two concurrent requests cannot both pass the guard.
        // Millisecond precision: the store keeps Unix milliseconds, and ReleaseSlot must find this exact value.
        var now = DateTimeOffset.FromUnixTimeMilliseconds(_time.GetUtcNow().ToUnixTimeMilliseconds());
        var refused = await _store.UpdateAsync(pn, user, r =>
        {
            var recent = RequestGuard.Trim(r.RequestsSent, now);
            if (_guard.Check(recent, now) is { } block)
            {
                return (r, (PermissionRequestOutcome?)new PermissionRequestOutcome.Throttled(
                    block.Reason, block.NextAllowedAt,
                    block.Reason == RequestRefusal.DailyQuota
                        ? $"At most {_options.MaxRequestsPerDay} permission request(s) per 24 h per user."
                        : $"At most {_options.MaxRequestsPerWeek} permission requests per 7 days per user."));
            }

            return (r with { RequestsSent = [.. recent, now] }, null);
        }, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        string messageId;
        try
        {
            messageId = await _graph.SendCallPermissionRequestAsync(pn, user, bodyText, cancellationToken);
        }
        catch (WhatsAppApiException ex) when (ex.Kind == WhatsAppErrorKind.PermissionRequestLimit)
        {
            // 138009: Meta counted requests we did not see (another system, the template route); keep our slot used.
            return new PermissionRequestOutcome.Throttled(RequestRefusal.MetaLimit, null, "Meta refused: call permission request limit hit (138009).");
        }
        catch (WhatsAppApiException ex) when (ex.Kind == WhatsAppErrorKind.PermanentPermissionExists)
        {
            // 138017: nothing was sent; free the slot and remember the permanent grant.
            await _store.UpdateAsync(pn, user, r => (WithPermission(ReleaseSlot(r, now), CallPermissionStatus.Permanent, null), true), cancellationToken);
            return new PermissionRequestOutcome.AlreadyPermanent();
        }
        catch (WhatsAppApiException)
        {
            // Meta answered with a refusal, so no message went out: the slot is free again. Transport failures keep
            // it, because the message may have been delivered.
            await _store.UpdateAsync(pn, user, r => (ReleaseSlot(r, now), true), CancellationToken.None);
            throw;
        }

        if (_logger.IsEnabled(LogLevel.Information))
        {
            var masked = Mask(user);
            LogRequestSent(pn, masked);
        }
        try
        {
            // The permission funnel's first step, counted where the request is sent (once per Meta message id).
            await _rollups.RecordPermissionAsync(pn, Analytics.PermissionFunnelStep.Requested, now, messageId, cancellationToken);
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or InvalidOperationException)
        {
            // The message went out: the caller gets its success; analytics miss one request, said here.
            LogFunnelNotCounted(pn, ex);
        }

        var after = await _store.GetAsync(pn, user, cancellationToken);
        return new PermissionRequestOutcome.Sent(messageId, _guard.NextAllowedAfterSending(after.RequestsSent, now));
    }

    /// <inheritdoc />
    public async Task<bool> ApplyReplyAsync(CallPermissionReply reply, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reply);
        if (reply.From is null)
        {
            return false;
        }

        var (pn, user) = Pair(reply.From, reply.PhoneNumberId);
        var receivedAt = reply.Timestamp ?? _time.GetUtcNow();
        var applied = await _store.UpdateAsync(pn, user, r =>
        {
            if (r.LastReplyAt is { } last && receivedAt < last)
            {
                return (r, false);
            }

            var next = reply.Response == PermissionResponse.Reject
                ? WithPermission(r, CallPermissionStatus.NoPermission, null)
                : reply.IsPermanent
                    ? WithPermission(r, CallPermissionStatus.Permanent, null)
                    : WithPermission(r, CallPermissionStatus.Temporary, reply.Expiration ?? receivedAt + TemporaryPermissionLifetime);

            // A fresh grant starts a new streak (Meta itself revokes at 4 unanswered) and lifts an opt-out; a revoke is an
            // opt-out that stops scheduled dials too (WebhookDispatcher).
            var accepted = reply.Response == PermissionResponse.Accept;
            return (next with
            {
                LastReplyAt = receivedAt,
                ConsecutiveUnanswered = accepted ? 0 : next.ConsecutiveUnanswered,
                OptedOutAt = accepted ? null : r.OptedOutAt ?? receivedAt,
                OptOutSource = accepted ? null : r.OptOutSource ?? OptOutSource.PermissionRevoked,
            }, true);
        }, cancellationToken);
        if (applied && reply.Response == PermissionResponse.Accept)
        {
            // The funnel's grant step; a failure fails the webhook, whose redelivery counts it (once: the message id's marker).
            await _rollups.RecordPermissionAsync(pn, Analytics.PermissionFunnelStep.Granted, receivedAt, reply.MessageId, cancellationToken);
        }

        return applied;
    }

    /// <inheritdoc />
    public async Task<CallPermissionDecision.OptedOut?> GetOptOutAsync(string waId, string? phoneNumberId = null, CancellationToken cancellationToken = default)
    {
        var (pn, user) = Pair(waId, phoneNumberId);
        var record = await _store.GetAsync(pn, user, cancellationToken);
        return record.OptedOutAt is { } at ? new CallPermissionDecision.OptedOut(at, record.OptOutSource ?? OptOutSource.Keyword) : null;
    }

    /// <inheritdoc />
    public async Task<bool> OptOutAsync(string waId, string source, DateTimeOffset at, string? phoneNumberId = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        var (pn, user) = Pair(waId, phoneNumberId);
        return await _store.UpdateAsync(pn, user, r => r.OptedOutAt is null
            ? (r with { OptedOutAt = at, OptOutSource = source }, true)
            : (r, false), cancellationToken);
    }

    private static PermissionRecord WithPermission(PermissionRecord record, CallPermissionStatus status, DateTimeOffset? expiry) =>
        record with
        {
            Snapshot = (record.Snapshot ?? new CallPermissions()) with
            {
                Permission = new CallPermissionState { Status = status, ExpirationTime = expiry },
            },
        };

    private static PermissionRecord ReleaseSlot(PermissionRecord record, DateTimeOffset slot) =>
        record with { RequestsSent = [.. record.RequestsSent.Where(t => t != slot)] };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Call permission request from {PhoneNumberId} was sent but not counted in the analytics")]
    private partial void LogFunnelNotCounted(string phoneNumberId, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Call permission request sent from {PhoneNumberId} to {WaId}")]
    private partial void LogRequestSent(string phoneNumberId, string waId);
}
