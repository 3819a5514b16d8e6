using System.Net;
using Azure;
using Azure.Data.Tables;

namespace Serverless.Functions.Storage;

/// <summary>
/// An app-wide token bucket kept in one Table Storage row (partition <c>rate</c>), so a limit holds across every
/// Functions instance, not per instance: refilled at <c>perSecond</c> up to <c>burst</c>, changed only under the row's
/// ETag (an instance that loses the race reads again). A negative balance is a debt: <see cref="BackOffAsync"/> (Meta
/// answered "too many") holds every instance until it is paid off by the refill. The one token-bucket type of the app:
/// scheduled dials, <c>call_permissions</c> lookups and new calls each use a row of their own.
/// </summary>
public sealed class TableTokenBucket
{
    private const string Partition = "rate";
    private const int MaxRaces = 8;
    private readonly TableClient _table;
    private readonly TableInit _init;
    private readonly string _row;
    private readonly double _perSecond;
    private readonly double _burst;
    private readonly TimeProvider _time;

    /// <summary>The bucket in row <paramref name="row"/> of <paramref name="table"/> (created through <paramref name="init"/>).</summary>
    public TableTokenBucket(TableClient table, TableInit init, string row, double perSecond, double burst, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(init);
        ArgumentException.ThrowIfNullOrWhiteSpace(row);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(perSecond, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        ArgumentNullException.ThrowIfNull(time);
        (_table, _init, _row, _perSecond, _burst, _time) = (table, init, row, perSecond, burst, time);
    }

    /// <summary>
    /// Takes one token: <see cref="TimeSpan.Zero"/> when taken, otherwise how long until one is there (nothing taken;
    /// the caller waits or answers 429 with it as <c>Retry-After</c>).
    /// </summary>
    public async Task<TimeSpan> TryTakeAsync(CancellationToken cancellationToken = default)
    {
        for (var race = 0; race < MaxRaces; race++)
        {
            var (tokens, now, etag) = await ReadAsync(cancellationToken).ConfigureAwait(false);
            if (tokens < 1)
            {
                return TimeSpan.FromSeconds((1 - tokens) / _perSecond);
            }

            if (await TryWriteAsync(tokens - 1, now, etag, cancellationToken).ConfigureAwait(false))
            {
                return TimeSpan.Zero;
            }
        }

        // Many instances at once: each of them took the tokens this one raced for.
        return TimeSpan.FromSeconds(1 / _perSecond);
    }

    /// <summary>Waits until a token is taken (pacing).</summary>
    public async Task AcquireAsync(CancellationToken cancellationToken = default)
    {
        while (await TryTakeAsync(cancellationToken).ConfigureAwait(false) is { } wait && wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Takes every whole token there is now (0 when there is none or a concurrent taker won the race).</summary>
    public async Task<int> TakeAllAsync(CancellationToken cancellationToken = default)
    {
        var (tokens, now, etag) = await ReadAsync(cancellationToken).ConfigureAwait(false);
        var whole = (int)Math.Floor(Math.Max(0, tokens));
        return whole > 0 && await TryWriteAsync(tokens - whole, now, etag, cancellationToken).ConfigureAwait(false) ? whole : 0;
    }

    /// <summary>Puts unused tokens back (best effort: losing the race only makes the next taker more careful).</summary>
    public async Task ReturnAsync(int unused, CancellationToken cancellationToken = default)
    {
        if (unused <= 0)
        {
            return;
        }

        var (tokens, now, etag) = await ReadAsync(cancellationToken).ConfigureAwait(false);
        await TryWriteAsync(Math.Min(_burst, tokens + unused), now, etag, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every instance waits at least <paramref name="delay"/> for its next token (the balance becomes that debt).</summary>
    public async Task BackOffAsync(TimeSpan delay, CancellationToken cancellationToken = default)
    {
        for (var race = 0; race < MaxRaces; race++)
        {
            var (tokens, now, etag) = await ReadAsync(cancellationToken).ConfigureAwait(false);
            var debt = 1 - (delay.TotalSeconds * _perSecond);
            if (tokens <= debt || await TryWriteAsync(debt, now, etag, cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    private async Task<(double Tokens, DateTimeOffset Now, ETag? ETag)> ReadAsync(CancellationToken cancellationToken)
    {
        await _init.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(Partition, _row, cancellationToken: cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        if (!found.HasValue)
        {
            return (_burst, now, null);
        }

        var row = found.Value!;
        var at = row.GetDateTimeOffset("At") ?? now;
        // Refilled since the last write; a clock behind the row's (another instance's) refills nothing.
        var tokens = Math.Min(_burst, (row.GetDouble("Tokens") ?? 0) + (Math.Max(0, (now - at).TotalSeconds) * _perSecond));
        return (tokens, now > at ? now : at, row.ETag);
    }

    private async Task<bool> TryWriteAsync(double tokens, DateTimeOffset at, ETag? etag, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(Partition, _row) { ["Tokens"] = tokens, ["At"] = at };
        try
        {
            if (etag is { } tag)
            {
                await _table.UpdateEntityAsync(entity, tag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await _table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
            }

            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.Conflict)
        {
            return false;
        }
    }
}
