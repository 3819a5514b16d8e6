using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Serverless.Functions.Permissions;
using Serverless.Functions.Tests.Calls;
using Serverless.Shared.WhatsApp.Graph;

namespace Serverless.Functions.Tests.Permissions;

/// <summary>
/// Meta's 5 <c>call_permissions</c> reads per second are the app's, not each instance's: two Functions instances (two
/// gates, each with its own in-process smoothing, one permissions table in Azurite) together get 5, not 10.
/// </summary>
public sealed class AppWidePermissionLookupTests : IAsyncLifetime
{
    private readonly string _prefix = AzuriteTables.UniquePrefix();
    private readonly FakeTimeProvider _clock = new(PermissionHarness.T0);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => AzuriteTables.DeleteTablesAsync(_prefix);

    [Fact]
    public async Task After_one_instance_used_the_second_of_lookups_the_other_instance_waits_for_the_refill()
    {
        var first = Instance();
        var second = Instance();

        // The first instance spends the app's whole second (no clock movement needed: the bucket holds 5).
        for (var i = 0; i < 5; i++)
        {
            await first.EnterAsync(GraphAction.GetCallPermissions, CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        }

        // The second instance's own smoothing has all 5 slots free, yet its lookup waits for the shared refill:
        // one read per 200 ms. The clock moves only while the lookup is still waiting.
        var waiting = second.EnterAsync(GraphAction.GetCallPermissions, CancellationToken.None).AsTask();
        var steps = 0;
        while (!await CompletesWithinAsync(waiting, TimeSpan.FromSeconds(1)))
        {
            _clock.Advance(TimeSpan.FromMilliseconds(50));
            Assert.True(++steps <= 100, "the lookup never got a token");
        }

        Assert.True(_clock.GetUtcNow() >= PermissionHarness.T0.AddMilliseconds(200), $"granted at {_clock.GetUtcNow():O}");
    }

    private CallPermissionsAttemptGate Instance()
    {
        var options = Options.Create(new PermissionOptions { TablePrefix = _prefix, ConnectionString = AzuriteTables.ConnectionString });
        var store = new PermissionStore(AzuriteTables.Client(), options, _clock);
        return new CallPermissionsAttemptGate(
            new CallPermissionsRateLimiter(_clock, options.Value.GraphRequestsPerSecond), store, options, _clock, NullLogger<CallPermissionsAttemptGate>.Instance);
    }

    private static async Task<bool> CompletesWithinAsync(Task task, TimeSpan wait)
    {
        try
        {
            await task.WaitAsync(wait);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
