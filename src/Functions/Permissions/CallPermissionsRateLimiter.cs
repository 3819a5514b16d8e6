namespace Serverless.Functions.Permissions;

/// <summary>
/// Keeps <c>GET /call_permissions</c> under Meta's per-second limit (613 otherwise): a sliding one-second window
/// of grant times, plus a shared back-off that a 613 imposes on every caller. In-process smoothing only: the limit
/// across every Functions instance is the app-wide bucket taken first (<see cref="PermissionStore.LookupBudget"/>,
/// through <see cref="CallPermissionsAttemptGate"/>), so <see cref="PermissionOptions.GraphRequestsPerSecond"/> is the app's.
/// </summary>
public sealed class CallPermissionsRateLimiter
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);
    private readonly TimeProvider _time;
    private readonly int _perSecond;
    private readonly Queue<DateTimeOffset> _grants = new();
    private readonly Lock _gate = new();
    private DateTimeOffset _blockedUntil = DateTimeOffset.MinValue;

    /// <summary>Creates a limiter allowing <paramref name="perSecond"/> grants in any one-second window.</summary>
    public CallPermissionsRateLimiter(TimeProvider time, int perSecond)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(perSecond, 1);
        _time = time;
        _perSecond = perSecond;
    }

    /// <summary>Waits for a slot; returns the instant it was granted.</summary>
    public async Task<DateTimeOffset> AcquireAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            TimeSpan wait;
            lock (_gate)
            {
                var now = _time.GetUtcNow();
                while (_grants.Count > 0 && _grants.Peek() + Window <= now)
                {
                    _grants.Dequeue();
                }

                if (now >= _blockedUntil && _grants.Count < _perSecond)
                {
                    _grants.Enqueue(now);
                    return now;
                }

                var untilSlot = _grants.Count < _perSecond ? TimeSpan.Zero : _grants.Peek() + Window - now;
                var untilUnblocked = _blockedUntil > now ? _blockedUntil - now : TimeSpan.Zero;
                wait = untilSlot > untilUnblocked ? untilSlot : untilUnblocked;
            }

            await Task.Delay(wait, _time, cancellationToken);
        }
    }

    /// <summary>Meta answered 613: nobody gets a slot for <paramref name="delay"/>.</summary>
    public void BackOff(TimeSpan delay)
    {
        lock (_gate)
        {
            var until = _time.GetUtcNow() + delay;
            if (until > _blockedUntil)
            {
                _blockedUntil = until;
            }
        }
    }
}
