using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Functions.Calls;
using Serverless.Functions.Nodes;
using Serverless.Functions.Permissions;
using Serverless.Shared.WhatsApp.Graph;

namespace Serverless.Functions.Dials;

/// <summary>What one scheduler run did.</summary>
/// <param name="Placed">Attempts placed (new, or re-placed after a crashed run).</param>
/// <param name="Settled">Dialling schedules whose attempt ended: rescheduled for a retry or finished.</param>
/// <param name="Deferred">Due schedules left for later: rate budget, a user's live call, Meta's call limit.</param>
/// <param name="Refused">Schedules stopped by the user's permission.</param>
public sealed record DialRunSummary(int Placed, int Settled, int Deferred, int Refused, int InFlight = 0);

/// <summary>
/// One run of the dial scheduler: settles attempts that ended (retry or finish), then places due dials under the
/// app-wide rate (a token bucket in the table, Meta 138005), one live call per user, and only with the user's
/// permission (Meta's <c>start_call</c> limit defers the dial to its reset, 138012).
/// </summary>
public sealed partial class DialScheduler(
    DialStore dials,
    ICallStore calls,
    DialPlacer placer,
    IPermissionService permissions,
    NodeRegistry nodes,
    IOptions<DialOptions> options,
    TimeProvider time,
    ILogger<DialScheduler> logger)
{
    public async Task<DialRunSummary> RunAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        var settled = 0;
        var inFlight = new HashSet<string>(StringComparer.Ordinal);
        var orphans = new List<DialSchedule>();
        foreach (var dialling in await dials.ListAsync(DialScheduleState.Dialling, null, o.BatchSize, cancellationToken))
        {
            switch (await SettleAsync(dialling, now, cancellationToken))
            {
                case SettleResult.Settled:
                    settled++;
                    break;
                case SettleResult.Orphaned:
                    orphans.Add(dialling);
                    inFlight.Add(dialling.UserWaId);
                    break;
                case SettleResult.StillLive:
                    inFlight.Add(dialling.UserWaId);
                    break;
            }
        }

        var due = await dials.ListAsync(DialScheduleState.Scheduled, now, o.BatchSize, cancellationToken);
        if (orphans.Count == 0 && due.Count == 0)
        {
            return new DialRunSummary(0, settled, 0, 0, inFlight.Count);
        }

        if (await nodes.FindRoomAsync(cancellationToken) == NodeRoom.Full)
        {
            // Every live node is full or draining: placing now would only fail at the placement window and spend an
            // attempt. The dials stay due; the run's re-check (NodeWatch:FullRetryAfter) looks again. No token is taken.
            LogNoRoom(due.Count + orphans.Count);
            return new DialRunSummary(0, settled, due.Count + orphans.Count, 0, inFlight.Count);
        }

        var budget = await dials.Budget.TakeAllAsync(cancellationToken);
        var placed = 0;
        var refused = 0;
        foreach (var orphan in orphans)
        {
            if (placed == budget)
            {
                break;
            }

            await placer.PlaceAsync(orphan, orphan.AttemptCallIds[^1], cancellationToken);
            placed++;
        }

        foreach (var schedule in due)
        {
            if (placed == budget)
            {
                break;
            }

            if (!inFlight.Add(schedule.UserWaId))
            {
                continue; // one live call per user; the next run looks again
            }

            switch (await TryPlaceAsync(schedule, now, cancellationToken))
            {
                case PlaceResult.Placed:
                    placed++;
                    break;
                case PlaceResult.Refused:
                    refused++;
                    break;
                case PlaceResult.LookupUnavailable:
                    // Meta's call_permissions limit is hit: later dials would wait on it too.
                    await dials.Budget.ReturnAsync(budget - placed, cancellationToken);
                    return new DialRunSummary(placed, settled, due.Count - placed - refused, refused, inFlight.Count);
                default:
                    break;
            }
        }

        await dials.Budget.ReturnAsync(budget - placed, cancellationToken);
        var summary = new DialRunSummary(placed, settled, due.Count + orphans.Count - placed - refused, refused, inFlight.Count);
        LogRun(summary.Placed, summary.Settled, summary.Deferred, summary.Refused);
        return summary;
    }

    private enum SettleResult
    {
        Settled,
        StillLive,
        Orphaned,
        Lost,
    }

    private enum PlaceResult
    {
        Placed,
        Deferred,
        Refused,
        LookupUnavailable,
    }

    /// <summary>An attempt that ended decides the schedule: a retry after the spacing, or the end.</summary>
    private async Task<SettleResult> SettleAsync(DialSchedule schedule, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var callId = schedule.AttemptCallIds[^1];
        var call = await calls.GetAsync(callId, cancellationToken);
        if (call is null)
        {
            // Claimed but never stored: the placing run crashed. Place it again once the claim is old enough.
            return schedule.ClaimedAt + options.Value.ClaimTimeout <= now ? SettleResult.Orphaned : SettleResult.StillLive;
        }

        if (!call.IsFinal)
        {
            return SettleResult.StillLive;
        }

        var retry = schedule.Retry.Retries(call.Outcome);
        var attemptsLeft = schedule.AttemptCallIds.Count < schedule.Retry.MaxAttempts;
        var next = retry && attemptsLeft
            ? schedule with
            {
                State = DialScheduleState.Scheduled,
                NextAttemptAt = (call.EndedAt ?? now) + schedule.Retry.Spacing,
                Reason = call.Outcome?.ToString(),
            }
            : schedule with { State = retry ? DialScheduleState.Exhausted : DialScheduleState.Completed, Reason = call.Outcome?.ToString() };
        return await dials.TryUpdateAsync(next, cancellationToken) is null ? SettleResult.Lost : SettleResult.Settled;
    }

    private async Task<PlaceResult> TryPlaceAsync(DialSchedule schedule, DateTimeOffset now, CancellationToken cancellationToken)
    {
        CallPermissionDecision decision;
        try
        {
            decision = await permissions.CheckCanCallAsync(schedule.UserWaId, schedule.BusinessPhoneNumberId, cancellationToken);
        }
        catch (PermissionRateLimitedException)
        {
            return PlaceResult.LookupUnavailable;
        }
        catch (WhatsAppGraphException ex)
        {
            LogLookupFailed(ex, schedule.DialId);
            return PlaceResult.Deferred;
        }

        switch (decision)
        {
            case CallPermissionDecision.Allowed:
                break;
            case CallPermissionDecision.LimitReached limit:
                await dials.TryUpdateAsync(schedule with { NextAttemptAt = limit.ResetsAt ?? now + options.Value.LimitRecheck, Reason = "call-limit-reached" }, cancellationToken);
                return PlaceResult.Deferred;
            default:
                var reason = ReasonFor(decision);
                LogRefused(schedule.DialId, reason);
                await dials.TryUpdateAsync(schedule with { State = DialScheduleState.Refused, Reason = reason }, cancellationToken);
                return PlaceResult.Refused;
        }

        // Claim before placing: a cancel that won the race leaves the ETag changed and this attempt unplaced.
        var callId = CallIds.New(time);
        var claimed = await dials.TryUpdateAsync(
            schedule with { State = DialScheduleState.Dialling, ClaimedAt = now, AttemptCallIds = [.. schedule.AttemptCallIds, callId], Reason = null },
            cancellationToken);
        if (claimed is null)
        {
            return PlaceResult.Deferred;
        }

        await placer.PlaceAsync(claimed, callId, cancellationToken);
        return PlaceResult.Placed;
    }

    private static string ReasonFor(CallPermissionDecision decision) => decision switch
    {
        CallPermissionDecision.NoPermission => "call-permission-missing",
        CallPermissionDecision.Expired => "call-permission-expired",
        CallPermissionDecision.TooManyUnanswered => "too-many-unanswered-calls",
        CallPermissionDecision.OptedOut => OptOutSource.DialReason,
        _ => decision.GetType().Name,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dial scheduler: {Count} due dials wait: every live media node is full or draining")]
    private partial void LogNoRoom(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dial scheduler: {Placed} placed, {Settled} settled, {Deferred} deferred, {Refused} refused")]
    private partial void LogRun(int placed, int settled, int deferred, int refused);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dial {DialId} stopped: {Reason}")]
    private partial void LogRefused(string dialId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dial {DialId}: permission lookup failed; deferred")]
    private partial void LogLookupFailed(Exception ex, string dialId);
}
