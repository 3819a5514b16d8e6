using System.ComponentModel;
using Microsoft.Extensions.Logging;
using Serverless.Functions.Callbacks;
using Serverless.Functions.Calls;
using Serverless.Functions.Dials;
using Serverless.Functions.Flows;
using Serverless.Functions.Permissions;
using Serverless.Functions.Recordings;
using PhoneMask = Serverless.Shared.WhatsApp.PhoneMask;

namespace Serverless.Functions.Privacy;

/// <summary>What an erasure removed; the body of <c>DELETE /api/users/{waId}</c>'s 200.</summary>
[Description("What was erased for the user.")]
public sealed record UserErasureCounts
{
    [Description("Calls deleted (rows with their history).")]
    public required int Calls { get; init; }
    [Description("History rows of those calls deleted.")]
    public required int Events { get; init; }
    [Description("Recording blobs deleted.")]
    public required int Recordings { get; init; }
    [Description("Call-permission rows deleted; an opt-out is kept as a suppression row (number and opt-out time only), so it keeps refusing calls.")]
    public required int Permissions { get; init; }
    [Description("Dials (scheduled or finished) deleted.")]
    public required int Dials { get; init; }
    [Description("Queued or sent status callback deliveries of those calls deleted.")]
    public required int Callbacks { get; init; }
    [Description("Webhooks held for a not-yet-known call that named the user, deleted.")]
    public required int HeldWebhooks { get; init; }
}

/// <summary>The 200 of <c>DELETE /api/users/{waId}</c>.</summary>
[Description("A user's erasure: what went, and the audit record written for it.")]
public sealed record UserErasureResource
{
    [Description("Id of the audit record (table {CallStore:TablePrefix}Audit, partition erasure); it holds the number masked only.")]
    public required string AuditId { get; init; }
    [Description("When the erasure ran.")]
    public required DateTimeOffset ErasedAt { get; init; }
    [Description("What was erased.")]
    public required UserErasureCounts Erased { get; init; }
}

/// <summary>
/// <c>DELETE /api/users/{waId}</c>: erases a user's calls (rows, history, recordings, callback deliveries), dials,
/// held webhooks and call-permission rows (an opt-out stays as suppression), then writes an audit record. A call with
/// the user that is live, or ended but still waiting for its node's final report, makes it refuse (nothing erased, or
/// only the dials when the scheduler placed a call meanwhile): the recording may still be on its way.
/// </summary>
public sealed partial class UserErasure(
    TableCallStore calls,
    DialStore dials,
    PermissionStore permissions,
    HeldWebhookStore held,
    CallbackDispatcher callbacks,
    RecordingBlobs recordings,
    ErasureAudit audit,
    TimeProvider time,
    ILogger<UserErasure> logger)
{
    /// <summary>The ids of the user's live calls (then nothing was erased), or what was erased.</summary>
    public async Task<(IReadOnlyList<string> LiveCalls, UserErasureResource? Erased)> EraseAsync(string waId, string actor, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(waId);
        var live = (await calls.ListForUserAsync(waId, cancellationToken)).Where(c => !c.IsReported).Select(c => c.CallId).ToList();
        if (live.Count > 0)
        {
            var masked = PhoneMask.Mask(waId);
            LogRefused(masked, live.Count);
            return (live, null);
        }

        // Dials first, so the scheduler places no new call while the calls go.
        var dialCount = await dials.DeleteAsync(await dials.ListForUserAsync(waId, cancellationToken), cancellationToken);
        var userCalls = await calls.ListForUserAsync(waId, cancellationToken);
        if (userCalls.Where(c => !c.IsReported).Select(c => c.CallId).ToList() is { Count: > 0 } placed)
        {
            // The scheduler placed an attempt between the check and the dials' delete: the dials are gone, so an
            // erasure asked again once that call is over finishes the job.
            return (placed, null);
        }

        int events = 0, blobs = 0;
        foreach (var call in userCalls)
        {
            if (call.Recording is { } recording && await recordings.DeleteAsync(recording, cancellationToken))
            {
                blobs++;
            }

            events += await calls.DeleteAsync(call, cancellationToken);
        }

        var counts = new UserErasureCounts
        {
            Calls = userCalls.Count,
            Events = events,
            Recordings = blobs,
            Permissions = await permissions.EraseAsync(waId, cancellationToken),
            Dials = dialCount,
            Callbacks = await callbacks.ForgetCallsAsync(userCalls.Select(c => c.CallId).ToHashSet(StringComparer.Ordinal), cancellationToken),
            HeldWebhooks = await held.EraseUserAsync(waId, cancellationToken),
        };
        var at = time.GetUtcNow();
        var auditId = await audit.RecordAsync(waId, actor, counts, at, cancellationToken);
        var user = PhoneMask.Mask(waId);
        LogErased(user, actor, auditId, counts.Calls, counts.Recordings, counts.Dials, counts.Permissions);
        return ([], new UserErasureResource { AuditId = auditId, ErasedAt = at, Erased = counts });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Erasure of user {WaId} by {Actor} ({AuditId}): {Calls} calls, {Recordings} recordings, {Dials} dials, {Permissions} permission rows")]
    private partial void LogErased(string waId, string actor, string auditId, int calls, int recordings, int dials, int permissions);

    [LoggerMessage(Level = LogLevel.Information, Message = "Erasure of user {WaId} refused: {Count} live calls")]
    private partial void LogRefused(string waId, int count);
}
