using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

using Serverless.Functions.Storage;

namespace Serverless.Functions.Dials;

/// <summary>
/// Dial schedules in one table: partition <c>dial</c> (one row per schedule), partition <c>key</c> (Idempotency-Key
/// → dial id) and partition <c>rate</c> (the scheduler's token bucket). Every update is conditional on the ETag, so
/// a cancel and a scheduler run never both win.
/// </summary>
public sealed class DialStore
{
    private const string DialPartition = "dial";
    private const string KeyPartition = "key";
    private static readonly System.Buffers.SearchValues<char> LowerHex = System.Buffers.SearchValues.Create("0123456789abcdef");
    private readonly TableClient _table;
    private readonly TableInit _init;

    private readonly WorkScheduler? _work;
    private readonly TimeProvider _time;

    public DialStore(TableServiceClient client, IOptions<DialOptions> options, TimeProvider time, WorkScheduler? work = null)
    {
        _work = work;
        _time = time;
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        _table = client.GetTableClient(options.Value.TableName);
        _init = new TableInit(() => _table.CreateIfNotExistsAsync());
        Budget = new TableTokenBucket(_table, _init, "bucket", options.Value.MaxDialsPerSecond, options.Value.Burst, time);
    }

    /// <summary>
    /// The scheduler's budget: refilled at <see cref="DialOptions.MaxDialsPerSecond"/> up to <see cref="DialOptions.Burst"/>,
    /// shared by every instance (one row of this table).
    /// </summary>
    public TableTokenBucket Budget { get; }

    /// <summary>
    /// Maps an Idempotency-Key to <paramref name="dialId"/> (stored with the request's fingerprint), or returns the dial
    /// id it already maps to and that request's fingerprint (null for rows stored without one).
    /// </summary>
    public async Task<(bool Reserved, string DialId, string? RequestHash)> ReserveKeyAsync(
        string key, string dialId, string? requestHash, CancellationToken cancellationToken)
    {
        await _init.EnsureAsync(cancellationToken);
        var row = KeyRow(key);
        try
        {
            await _table.AddEntityAsync(new TableEntity(KeyPartition, row) { ["DialId"] = dialId, ["RequestHash"] = requestHash }, cancellationToken);
            return (true, dialId, requestHash);
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.Conflict)
        {
            var existing = await _table.GetEntityAsync<TableEntity>(KeyPartition, row, cancellationToken: cancellationToken);
            return (false, existing.Value.GetString("DialId"), existing.Value.GetString("RequestHash"));
        }
    }

    /// <summary>Stores a new schedule; false when the id exists.</summary>
    public async Task<bool> CreateAsync(DialSchedule schedule, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        await _init.EnsureAsync(cancellationToken);
        try
        {
            await _table.AddEntityAsync(ToEntity(schedule), cancellationToken);
            await ScheduleRunAsync(schedule, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.Conflict)
        {
            return false;
        }
    }

    // A dial due (first attempt or a retry after its spacing) gets its scheduler run at that time (queue dials-due).
    private Task ScheduleRunAsync(DialSchedule schedule, CancellationToken cancellationToken) =>
        _work is not null && schedule.State == DialScheduleState.Scheduled
            ? _work.ScheduleAsync(WorkQueueOptions.Dials, string.Empty, schedule.NextAttemptAt, cancellationToken)
            : Task.CompletedTask;

    /// <summary>
    /// Whether this run may send the one re-check (attempts in flight to settle, dials waiting for room): true for the
    /// first to claim the <c>recheck</c> row for <paramref name="at"/>, false while another's re-check is pending, so
    /// duplicate messages don't fork into parallel chains.
    /// </summary>
    public async Task<bool> TryClaimRecheckAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        await _init.EnsureAsync(cancellationToken);
        var now = _time.GetUtcNow();
        var row = new TableEntity(RecheckPartition, RecheckPartition) { ["Next"] = at };
        try
        {
            var existing = await _table.GetEntityIfExistsAsync<TableEntity>(RecheckPartition, RecheckPartition, cancellationToken: cancellationToken);
            if (!existing.HasValue)
            {
                await _table.AddEntityAsync(row, cancellationToken);
                return true;
            }

            if (existing.Value!.GetDateTimeOffset("Next") is { } next && next > now)
            {
                return false;
            }

            await _table.UpdateEntityAsync(row, existing.Value.ETag, TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed)
        {
            return false;
        }
    }

    private const string RecheckPartition = "recheck";

    public async Task<DialSchedule?> GetAsync(string dialId, CancellationToken cancellationToken)
    {
        await _init.EnsureAsync(cancellationToken);
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(DialPartition, dialId, cancellationToken: cancellationToken);
        return found.HasValue ? FromEntity(found.Value!) : null;
    }

    /// <summary>Replaces the schedule if nobody changed it since it was read; null when someone did.</summary>
    public async Task<DialSchedule?> TryUpdateAsync(DialSchedule schedule, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        await _init.EnsureAsync(cancellationToken);
        try
        {
            var response = await _table.UpdateEntityAsync(ToEntity(schedule), new ETag(schedule.ETag!), TableUpdateMode.Replace, cancellationToken);
            await ScheduleRunAsync(schedule, cancellationToken);
            return schedule with { ETag = response.Headers.ETag?.ToString() };
        }
        catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.NotFound)
        {
            // 404: the dial was erased meanwhile (DELETE /api/users/{waId}, retention); like a lost race, nothing to do.
            return null;
        }
    }

    /// <summary>Every schedule to <paramref name="waId"/>, in any state, from any business number.</summary>
    public async Task<IReadOnlyList<DialSchedule>> ListForUserAsync(string waId, CancellationToken cancellationToken)
    {
        await _init.EnsureAsync(cancellationToken);
        return await QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {DialPartition} and UserWaId eq {waId}"), cancellationToken);
    }

    /// <summary>Finished schedules (not Scheduled, not Dialling) created before <paramref name="cutoff"/>.</summary>
    public async Task<IReadOnlyList<DialSchedule>> ListFinishedCreatedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await _init.EnsureAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {DialPartition} and CreatedAt lt {cutoff} and State ne {nameof(DialScheduleState.Scheduled)} and State ne {nameof(DialScheduleState.Dialling)}");
        return await QueryAsync(filter, cancellationToken);
    }

    /// <summary>Deletes the schedules and their Idempotency-Key rows, in batches; returns how many schedules.</summary>
    public async Task<int> DeleteAsync(IReadOnlyCollection<DialSchedule> schedules, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schedules);
        await _init.EnsureAsync(cancellationToken);
        var keys = schedules.Where(s => s.IdempotencyKey is { Length: > 0 }).Select(s => (KeyPartition, KeyRow(s.IdempotencyKey!)));
        await Calls.TableDeletes.DeleteAsync(_table, keys, cancellationToken);
        return await Calls.TableDeletes.DeleteAsync(_table, schedules.Select(s => (DialPartition, s.DialId)), cancellationToken);
    }

    private async Task<IReadOnlyList<DialSchedule>> QueryAsync(string filter, CancellationToken cancellationToken)
    {
        var found = new List<DialSchedule>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            found.Add(FromEntity(entity));
        }

        return found;
    }

    /// <summary>Schedules in <paramref name="state"/> (and, for Scheduled, due by <paramref name="dueBy"/>), oldest due first.</summary>
    public async Task<IReadOnlyList<DialSchedule>> ListAsync(DialScheduleState state, DateTimeOffset? dueBy, int max, CancellationToken cancellationToken)
    {
        await _init.EnsureAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {DialPartition} and State eq {state.ToString()}");
        if (dueBy is { } due)
        {
            filter += " and " + TableClient.CreateQueryFilter($"NextAttemptAt le {due.UtcDateTime}");
        }

        var found = new List<DialSchedule>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            found.Add(FromEntity(entity));
        }

        // Oldest due first; ties by id (ids are time-ordered), so a burst is served in the order it was scheduled.
        return [.. found.OrderBy(s => s.NextAttemptAt).ThenBy(s => s.DialId, StringComparer.Ordinal).Take(max)];
    }

    /// <summary>Every not-finished schedule (Scheduled or Dialling) to <paramref name="waId"/> from <paramref name="phoneNumberId"/>.</summary>
    public async Task<IReadOnlyList<DialSchedule>> ListOpenForUserAsync(string phoneNumberId, string waId, CancellationToken cancellationToken)
    {
        await _init.EnsureAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {DialPartition} and UserWaId eq {waId} and BusinessPhoneNumberId eq {phoneNumberId} and (State eq {nameof(DialScheduleState.Scheduled)} or State eq {nameof(DialScheduleState.Dialling)})");
        var found = new List<DialSchedule>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            found.Add(FromEntity(entity));
        }

        return found;
    }

    // Keys may hold characters Table row keys forbid (/ \ # ?): the row key is a hash of the key.
    private static string KeyRow(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static TableEntity ToEntity(DialSchedule s) => new(DialPartition, s.DialId)
    {
        ["State"] = s.State.ToString(),
        ["UserWaId"] = s.UserWaId,
        ["BusinessPhoneNumberId"] = s.BusinessPhoneNumberId,
        ["Body"] = s.Body,
        ["MaxAttempts"] = s.Retry.MaxAttempts,
        ["SpacingSeconds"] = (long)s.Retry.Spacing.TotalSeconds,
        ["RetryOn"] = (int)s.Retry.On,
        ["CreatedAt"] = s.CreatedAt,
        ["NextAttemptAt"] = s.NextAttemptAt,
        ["ClaimedAt"] = s.ClaimedAt,
        ["Attempts"] = string.Join(',', s.AttemptCallIds),
        ["IdempotencyKey"] = s.IdempotencyKey,
        ["Reason"] = s.Reason,
    };

    private static DialSchedule FromEntity(TableEntity e) => new()
    {
        DialId = e.RowKey,
        State = Enum.Parse<DialScheduleState>(e.GetString("State")),
        UserWaId = e.GetString("UserWaId"),
        BusinessPhoneNumberId = e.GetString("BusinessPhoneNumberId"),
        Body = e.GetString("Body"),
        Retry = new DialRetryPolicy(
            e.GetInt32("MaxAttempts") ?? 1,
            TimeSpan.FromSeconds(e.GetInt64("SpacingSeconds") ?? 0),
            (RetryOn)(e.GetInt32("RetryOn") ?? 0)),
        CreatedAt = e.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue,
        NextAttemptAt = e.GetDateTimeOffset("NextAttemptAt") ?? DateTimeOffset.MinValue,
        ClaimedAt = e.GetDateTimeOffset("ClaimedAt"),
        AttemptCallIds = e.GetString("Attempts") is { Length: > 0 } attempts ? attempts.Split(',') : [],
        IdempotencyKey = e.GetString("IdempotencyKey"),
        Reason = e.GetString("Reason"),
        ETag = e.ETag.ToString(),
    };

    /// <summary>New dial id: <c>dial_</c> + time-ordered hex, so listing order follows creation order.</summary>
    public static string NewId(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        return "dial_" + time.GetUtcNow().ToUnixTimeMilliseconds().ToString("x12", CultureInfo.InvariantCulture)
            + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();
    }

    /// <summary>Whether <paramref name="id"/> has the form <see cref="NewId"/> produces.</summary>
    public static bool IsValidId(string? id) =>
        id is { Length: 33 } && id.StartsWith("dial_", StringComparison.Ordinal) && !id.AsSpan(5).ContainsAnyExcept(LowerHex);
}
