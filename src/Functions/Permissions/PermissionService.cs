using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Functions.Graph;
using Serverless.Shared.WhatsApp;
using Serverless.Shared.WhatsApp.Graph;
using Serverless.Shared.WhatsApp.Graph.Models;

namespace Serverless.Functions.Permissions;

/// <summary>
/// <see cref="IPermissionService"/> over <see cref="PermissionStore"/> and Graph. Meta's limits are read from its
/// <c>call_permissions</c> answer, never hard-coded; only our own request guard and the unanswered streak are ours.
/// </summary>
public sealed partial class PermissionService : IPermissionService
{
    private readonly IWhatsAppGraphClient _graph;
    private readonly PermissionStore _store;
    private readonly Analytics.CallRollupStore _rollups;
    private readonly PermissionOptions _options;
    private readonly string? _defaultPhoneNumberId;
    private readonly TimeProvider _time;
    private readonly ILogger<PermissionService> _logger;
    private readonly RequestGuard _guard;

    public PermissionService(
        IWhatsAppGraphClient graph,
        PermissionStore store,
        Analytics.CallRollupStore rollups,
        IOptions<PermissionOptions> options,
        IOptions<MetaOptions> meta,
        TimeProvider time,
        ILogger<PermissionService> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(meta);
        _graph = graph;
        _store = store;
        _rollups = rollups;
        _options = options.Value;
        _defaultPhoneNumberId = meta.Value.DefaultPhoneNumberId;
        _time = time;
        _logger = logger;
        _guard = new RequestGuard(_options.MaxRequestsPerDay, _options.MaxRequestsPerWeek);
    }

    /// <inheritdoc />
    public async Task<CallPermissionDecision> CheckCanCallAsync(string waId, string? phoneNumberId = null, CancellationToken cancellationToken = default)
    {
        var (pn, user) = Pair(waId, phoneNumberId);
        var record = await LoadFreshAsync(pn, user, cancellationToken);
        return Decide(record, _time.GetUtcNow());
    }

    /// <inheritdoc />
    public async Task<PermissionView> GetAsync(string waId, string? phoneNumberId = null, CancellationToken cancellationToken = default)
    {
        var (pn, user) = Pair(waId, phoneNumberId);
        var record = await LoadFreshAsync(pn, user, cancellationToken);
        var now = _time.GetUtcNow();
        return new PermissionView(
            user,
            record.Status,
            record.Snapshot?.Permission?.ExpirationTime,
            record.Snapshot?.Actions ?? [],
            Decide(record, now),
            record.ConsecutiveUnanswered,
            NextRequestAllowedAt(record, now),
            record.FetchedAt);
    }

    /// <inheritdoc />
    public async Task RecordCallOutcomeAsync(string waId, BusinessCallOutcome outcome, string? phoneNumberId = null, CancellationToken cancellationToken = default)
    {
        var (pn, user) = Pair(waId, phoneNumberId);
        await _store.UpdateAsync(pn, user, r => outcome switch
        {
            // Meta: any connected call (either direction) resets the request quotas and the unanswered streak.
            BusinessCallOutcome.Connected => (r with { ConsecutiveUnanswered = 0, RequestsSent = [] }, true),
            BusinessCallOutcome.Unanswered => (r with { ConsecutiveUnanswered = r.ConsecutiveUnanswered + 1 }, true),
            _ => (r, false),
        }, cancellationToken);
    }

    internal CallPermissionDecision Decide(PermissionRecord record, DateTimeOffset now)
    {
        var advice = new PermissionRequestAdvice($"/api/permissions/{record.WaId}/request", NextRequestAllowedAt(record, now));
        var permission = record.Snapshot?.Permission;
        if (record.OptedOutAt is { } optedOut)
        {
            // Ours, above whatever Graph says: only a new grant from the user (an accept reply) lifts it.
            return new CallPermissionDecision.OptedOut(optedOut, record.OptOutSource ?? Permissions.OptOutSource.Keyword);
        }

        switch (record.Status)
        {
            case CallPermissionStatus.Temporary when permission?.ExpirationTime is { } expiry && expiry <= now:
                return new CallPermissionDecision.Expired(expiry, advice);
            case CallPermissionStatus.Temporary or CallPermissionStatus.Permanent:
                break;
            default:
                return new CallPermissionDecision.NoPermission(advice);
        }

        if (record.Snapshot!.Find(CallPermissionActionName.StartCall) is { CanPerformAction: false } start)
        {
            var limit = start.Limits.FirstOrDefault(l => l.CurrentUsage >= l.MaxAllowed) ?? (start.Limits.Count > 0 ? start.Limits[0] : null);
            return new CallPermissionDecision.LimitReached(limit, limit?.LimitExpirationTime);
        }

        if (record.ConsecutiveUnanswered >= _options.MaxConsecutiveUnanswered)
        {
            return new CallPermissionDecision.TooManyUnanswered(record.ConsecutiveUnanswered, _options.MaxConsecutiveUnanswered);
        }

        return new CallPermissionDecision.Allowed(record.Status, permission?.ExpirationTime);
    }

    private DateTimeOffset? NextRequestAllowedAt(PermissionRecord record, DateTimeOffset now)
    {
        var ours = _guard.Check(record.RequestsSent, now)?.NextAllowedAt;
        var metas = MetaRequestBlock(record)?.NextAllowedAt;
        var next = Nullable.Compare(ours, metas) >= 0 ? ours : metas;
        return next is { } at && at > now ? at : null;
    }

    /// <summary>Meta's live <c>send_call_permission_request</c> action, when it says no.</summary>
    private static (DateTimeOffset? NextAllowedAt, string Detail)? MetaRequestBlock(PermissionRecord record)
    {
        if (record.Snapshot?.Find(CallPermissionActionName.SendCallPermissionRequest) is not { CanPerformAction: false } action)
        {
            return null;
        }

        var resets = action.Limits.Select(l => l.LimitExpirationTime).Where(t => t is not null).Max();
        var windows = string.Join(", ", action.Limits.Select(l => $"{l.CurrentUsage}/{l.MaxAllowed} per {l.TimePeriod}"));
        return (resets, $"Meta's send_call_permission_request limit is used up ({windows}).");
    }

    private (string PhoneNumberId, string WaId) Pair(string waId, string? phoneNumberId)
    {
        var user = WaId.Parse(waId, nameof(waId)).Digits;

        var pn = phoneNumberId ?? _defaultPhoneNumberId;
        if (string.IsNullOrEmpty(pn) || pn.Length > 32 || !pn.All(char.IsAsciiDigit))
        {
            throw new ArgumentException("No valid business phone-number id (pass one or set Meta:DefaultPhoneNumberId).", nameof(phoneNumberId));
        }

        return (pn, user);
    }

    private static string Mask(string waId) => PhoneMask.Mask(waId);
}
