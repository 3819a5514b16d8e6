using CsCheck;
using Serverless.Functions.Permissions;

namespace Serverless.Functions.Tests.Permissions;

/// <summary>The guard's promises hold for any sequence of attempts (Meta: 1 per 24 h, 2 per 7 days).</summary>
public sealed class RequestGuardPropertyTests
{
    private static readonly DateTimeOffset T0 = PermissionHarness.T0;
    private static readonly RequestGuard Guard = new(1, 2);

    [Fact]
    public void Requests_let_through_never_exceed_either_window()
    {
        // Attempts at increasing offsets (minutes apart, up to ~3 days between them).
        Gen.Int[1, 4_000].Array[1, 40].Sample(gaps =>
        {
            var sent = new List<DateTimeOffset>();
            var now = T0;
            foreach (var gap in gaps)
            {
                now = now.AddMinutes(gap);
                if (Guard.Check(sent, now) is null)
                {
                    sent.Add(now);
                }
            }

            return sent.All(t => sent.Count(s => s >= t && s < t + RequestGuard.Day) <= 1
                && sent.Count(s => s >= t && s < t + RequestGuard.Week) <= 2);
        });
    }

    [Fact]
    public void Next_allowed_time_is_exact()
    {
        Gen.Int[1, 10_000].Array[1, 3].Sample(gaps =>
        {
            var sent = new List<DateTimeOffset>();
            var now = T0;
            foreach (var gap in gaps)
            {
                now = now.AddMinutes(gap);
                if (Guard.Check(sent, now) is null)
                {
                    sent.Add(now);
                }
            }

            if (Guard.Check(sent, now) is not { } block)
            {
                return true;
            }

            // Refused one tick before the announced time, allowed at it.
            return Guard.Check(sent, block.NextAllowedAt.AddTicks(-1)) is not null && Guard.Check(sent, block.NextAllowedAt) is null;
        });
    }
}
