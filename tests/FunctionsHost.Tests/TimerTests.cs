namespace Serverless.Testing.FunctionsHost.Tests;

public sealed class TimerTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RunTimerAsync_invokes_with_TimerInfo_context_and_token(bool isPastDue)
    {
        var before = fixture.Invocations.Entries.Count;

        await fixture.Host.RunTimerAsync("Sweep", isPastDue);

        var entry = Assert.Single(fixture.Invocations.Entries.Skip(before));
        Assert.StartsWith($"Sweep pastDue={isPastDue} fn=Sweep scope=", entry, StringComparison.Ordinal);
        Assert.EndsWith("cancelled=False", entry, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_run_gets_a_new_service_scope()
    {
        await fixture.Host.RunTimerAsync("sweep");
        await fixture.Host.RunTimerAsync("SWEEP");

        var scopes = fixture.Invocations.Entries.Where(e => e.StartsWith("Sweep ", StringComparison.Ordinal))
            .Select(e => e.Split("scope=")[1].Split(' ')[0]).ToList();
        Assert.True(scopes.Count >= 2);
        Assert.Equal(scopes.Count, scopes.Distinct().Count());
    }

    [Fact]
    public async Task Schedule_named_by_app_setting_is_resolved()
    {
        await fixture.Host.RunTimerAsync("SweepFromSetting");

        var timer = Assert.Single(fixture.Host.Functions.Timers, t => t.Name == "SweepFromSetting");
        Assert.Equal("0 */5 * * * *", timer.Schedule);
        Assert.Contains("SweepFromSetting pastDue=False", fixture.Invocations.Entries);
    }

    [Fact]
    public async Task Timer_exception_reaches_the_caller()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => fixture.Host.RunTimerAsync("FailingSweep"));

        Assert.Equal("sweep failed", error.Message);
    }

    [Theory]
    [InlineData("NoSuchFunction")]
    [InlineData("Ping")]
    public async Task Unknown_or_non_timer_function_is_refused(string name)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => fixture.Host.RunTimerAsync(name));

        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelled_token_is_passed_to_the_function()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var before = fixture.Invocations.Entries.Count;

        await fixture.Host.RunTimerAsync("Sweep", cancellationToken: cancelled.Token);

        Assert.EndsWith("cancelled=True", Assert.Single(fixture.Invocations.Entries.Skip(before)), StringComparison.Ordinal);
    }
}
