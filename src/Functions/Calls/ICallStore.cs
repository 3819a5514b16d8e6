namespace Serverless.Functions.Calls;

/// <summary>Persistence of calls: records, wacid index, event history, idempotency keys.</summary>
public interface ICallStore
{
    /// <summary>
    /// Stores a new call (Version 1, a "Created" history row). For a call with a wacid the wacid index is
    /// claimed first, so a re-delivered inbound connect webhook yields <see cref="CreateCallStatus.DuplicateWacid"/>.
    /// </summary>
    Task<CreateCallResult> CreateAsync(CallRecord call, CancellationToken cancellationToken = default);

    Task<CallRecord?> GetAsync(string callId, CancellationToken cancellationToken = default);

    Task<CallRecord?> FindByWacidAsync(string wacid, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs the state machine on the stored call and records the outcome in the history, atomically and
    /// ETag-conditionally; a lost race re-reads and re-applies. A <paramref name="dedupKey"/> seen before
    /// changes nothing and yields <see cref="ApplyStatus.DuplicateDelivery"/>.
    /// </summary>
    Task<ApplyResult> ApplyAsync(string callId, CallTrigger trigger, string dedupKey, CancellationToken cancellationToken = default);

    /// <summary>The call's history in the order it was applied.</summary>
    Task<IReadOnlyList<CallEvent>> GetHistoryAsync(string callId, CancellationToken cancellationToken = default);

    Task<CallPage> ListAsync(
        CallState? state, DateTimeOffset? since, string? continuationToken, int pageSize, CancellationToken cancellationToken = default);

    /// <summary>
    /// Final calls created in [<see cref="EndedCallFilter.From"/>, <see cref="EndedCallFilter.To"/>) matching the
    /// filter, newest first: the calls behind one analytics group (the dashboard's drill-down).
    /// </summary>
    Task<CallPage> ListEndedAsync(EndedCallFilter filter, string? continuationToken, int pageSize, CancellationToken cancellationToken = default);

    /// <summary>
    /// Non-final calls whose deadline is at or before <paramref name="now"/>, and final calls whose node report is
    /// that overdue (<see cref="CallRecord.MediaReportDue"/>), for the sweeper: the most overdue first, read from the
    /// deadline index (never a scan of the calls).
    /// </summary>
    Task<IReadOnlyList<CallRecord>> ListOverdueAsync(DateTimeOffset now, int maxCount, CancellationToken cancellationToken = default);

    /// <summary>Non-final calls carried by <paramref name="nodeId"/>, for failover when that node is found dead (from the node index).</summary>
    Task<IReadOnlyList<CallRecord>> ListLiveOnNodeAsync(string nodeId, int maxCount, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reserves <paramref name="key"/> for <paramref name="callId"/>, stored with <paramref name="requestHash"/> (the request's
    /// fingerprint), or returns the holder and its fingerprint.
    /// </summary>
    Task<IdempotencyReservation> TryReserveIdempotencyKeyAsync(string key, string callId, string? requestHash = null, CancellationToken cancellationToken = default);
}
