using Microsoft.Extensions.Time.Testing;
using Serverless.Functions.Permissions;

namespace Serverless.Functions.Tests.Permissions;

/// <summary>Meta's call_permissions limit is 5 requests per second; the limiter must never exceed it.</summary>
public sealed class CallPermissionsRateLimiterTests
{
    private static readonly DateTimeOffset T0 = PermissionHarness.T0;

    [Fact]
    public async Task Burst_of_17_is_spread_so_no_second_holds_more_than_5()
    {
        var clock = new FakeTimeProvider(T0);
        var limiter = new CallPermissionsRateLimiter(clock, 5);

        var grants = Enumerable.Range(0, 17).Select(_ => limiter.AcquireAsync()).ToList();
        Assert.Equal(5, grants.Count(g => g.IsCompletedSuccessfully));
        var times = await Drive(clock, Task.WhenAll(grants));

        foreach (var start in times)
        {
            Assert.True(times.Count(t => t >= start && t < start + TimeSpan.FromSeconds(1)) <= 5, $"more than 5 grants in the second from {start:O}");
        }

        Assert.Equal(T0.AddSeconds(3), times.Max());
    }

    [Fact]
    public async Task Back_off_holds_every_caller_until_it_ends()
    {
        var clock = new FakeTimeProvider(T0);
        var limiter = new CallPermissionsRateLimiter(clock, 5);
        await limiter.AcquireAsync();

        limiter.BackOff(TimeSpan.FromSeconds(2));
        var held = limiter.AcquireAsync();
        Assert.False(held.IsCompleted);
        var grantedAt = (await Drive(clock, Task.WhenAll(held))).Single();

        Assert.True(grantedAt >= T0.AddSeconds(2), $"granted at {grantedAt:O}");
    }

    private static async Task<DateTimeOffset[]> Drive(FakeTimeProvider clock, Task<DateTimeOffset[]> all)
    {
        for (var i = 0; i < 200 && !all.IsCompleted; i++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(50));
            await LetContinuationsRun(all);
        }

        return await all.WaitAsync(TimeSpan.FromSeconds(10));
    }

    // Waits briefly (real time) for work the clock advance released; ends at once when the task completes.
    private static async Task LetContinuationsRun(Task task)
    {
        try
        {
            await task.WaitAsync(TimeSpan.FromMilliseconds(5));
        }
        catch (TimeoutException)
        {
        }
    }
}
