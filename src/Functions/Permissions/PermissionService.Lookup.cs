using Microsoft.Extensions.Logging;
using Serverless.Shared.WhatsApp.Graph;
using Serverless.Shared.WhatsApp.Graph.Models;

namespace Serverless.Functions.Permissions;

/// <summary>The cache: when to ask Graph, and asking it under Meta's 5 requests/s with 613 as back-off.</summary>
public sealed partial class PermissionService
{
    private async Task<PermissionRecord> LoadFreshAsync(string phoneNumberId, string waId, CancellationToken cancellationToken)
    {
        var record = await _store.GetAsync(phoneNumberId, waId, cancellationToken);
        if (!IsStale(record, _time.GetUtcNow()))
        {
            return record;
        }

        CallPermissions fetched;
        try
        {
            fetched = await FetchAsync(phoneNumberId, waId, cancellationToken);
        }
        catch (PermissionRateLimitedException) when (record.Snapshot is not null)
        {
            if (_logger.IsEnabled(LogLevel.Warning))
            {
                var masked = Mask(waId);
                LogServingStale(phoneNumberId, masked);
            }
            return record;
        }

        var fetchedAt = _time.GetUtcNow();
        return await _store.UpdateAsync(
            phoneNumberId, waId,
            r =>
            {
                var next = r with { Snapshot = fetched, FetchedAt = fetchedAt };
                return (next, next);
            },
            cancellationToken);
    }

    /// <summary>
    /// Stale after <see cref="PermissionOptions.CacheTtl"/>, and also as soon as a limit Meta reported as exhausted
    /// has passed its <c>limit_expiration_time</c> (the cached "no" is then known to be out of date).
    /// </summary>
    private bool IsStale(PermissionRecord record, DateTimeOffset now)
    {
        if (record.Snapshot is null || record.FetchedAt is not { } fetchedAt || fetchedAt + _options.CacheTtl <= now)
        {
            return true;
        }

        return record.Snapshot.Actions.Any(a => !a.CanPerformAction && a.Limits.Any(l => l.LimitExpirationTime is { } t && t <= now));
    }

    /// <summary>
    /// One lookup. The Graph client retries 613 (HTTP 429) itself, and every attempt waits for the limiter
    /// (<see cref="CallPermissionsAttemptGate"/>), so a 613 costs one more request, not a retry per layer.
    /// </summary>
    private async Task<CallPermissions> FetchAsync(string phoneNumberId, string waId, CancellationToken cancellationToken)
    {
        try
        {
            return await _graph.GetCallPermissionsAsync(phoneNumberId, waId, cancellationToken);
        }
        catch (WhatsAppApiException ex) when (ex.Kind == WhatsAppErrorKind.PermissionApiRateLimit)
        {
            var delay = ex.RetryAfter ?? _options.RateLimitBackOff;
            LogRateLimited(phoneNumberId, delay);
            throw new PermissionRateLimitedException(delay, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "call_permissions for {PhoneNumberId} still hit Meta's limit (613) after the Graph client's retries; retry after {Delay}")]
    private partial void LogRateLimited(string phoneNumberId, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "call_permissions for {PhoneNumberId}/{WaId} stays rate limited; using the cached state")]
    private partial void LogServingStale(string phoneNumberId, string waId);
}
