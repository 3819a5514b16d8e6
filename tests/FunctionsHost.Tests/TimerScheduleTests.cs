using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Testing.FunctionsHost.Tests.Samples;
using Serverless.Testing.FunctionsHost.Timers;

namespace Serverless.Testing.FunctionsHost.Tests;

/// <summary>Timers on their schedules (opt-in: the local run turns it on; other tests call RunTimerAsync).</summary>
public sealed class TimerScheduleTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(3);

    private static FunctionsTestHostOptions Scheduled(string sweepSchedule, TimerStatusStore? store = null)
    {
        var options = TestHosts.Options(hostJsonPath: null);
        return new FunctionsTestHostOptions(options.FunctionsAssembly)
        {
            Keys = options.Keys,
            IncludeEnvironmentVariables = false,
            ConfigureServices = options.ConfigureServices,
            Settings = new Dictionary<string, string?>(options.Settings) { ["SweepSchedule"] = sweepSchedule },
            RunTimersOnSchedule = true,
            TimerStatus = store,
        };
    }

    [Fact]
    public async Task A_one_second_schedule_named_by_a_setting_runs_at_least_twice_in_three_seconds()
    {
        await using var host = await FunctionsTestHost.StartAsync(Scheduled("* * * * * *"));
        var log = host.Services.GetRequiredService<InvocationLog>();

        await log.WaitForAsync(e => e == "SweepFromSetting pastDue=False", count: 2, Window);

        Assert.Equal("* * * * * *", Assert.Single(host.Functions.Timers, t => t.Name == "SweepFromSetting").Schedule);
    }

    [Fact]
    public async Task Schedules_are_off_unless_asked_for()
    {
        await using var host = await TestHosts.StartAsync(hostJsonPath: null);

        Assert.Empty(host.ScheduleLoops);
    }

    [Fact]
    public async Task Timers_stop_with_the_host()
    {
        var host = await FunctionsTestHost.StartAsync(Scheduled("* * * * * *"));
        var log = host.Services.GetRequiredService<InvocationLog>();
        await log.WaitForAsync(e => e.StartsWith("SweepFromSetting", StringComparison.Ordinal), count: 1, Window);
        var loops = host.ScheduleLoops;
        Assert.Equal(host.Functions.Timers.Length, loops.Count);
        Assert.All(loops, l => Assert.False(l.IsCompleted));

        await host.DisposeAsync();

        // Every loop has ended, so nothing can fire any more; and none ended by a fault.
        Assert.All(loops, l => Assert.True(l.IsCompletedSuccessfully));
    }

    [Fact]
    public async Task RunOnStartup_runs_once_at_start()
    {
        await using var host = await FunctionsTestHost.StartAsync(Scheduled("0 0 0 1 1 *"));
        var log = host.Services.GetRequiredService<InvocationLog>();

        await log.WaitForAsync(e => e == "Nightly pastDue=False", count: 1, Window);
    }

    [Fact]
    public async Task A_monitored_timer_whose_next_occurrence_passed_while_down_runs_past_due_at_start()
    {
        var store = new TimerStatusStore();
        var now = DateTime.UtcNow;
        store.Set("Sweep", new ScheduleStatus { Last = now.AddMinutes(-3), Next = now.AddMinutes(-2), LastUpdated = now.AddMinutes(-3) });

        await using var host = await FunctionsTestHost.StartAsync(Scheduled("0 0 0 1 1 *", store));
        var log = host.Services.GetRequiredService<InvocationLog>();

        await log.WaitForAsync(e => e.StartsWith("Sweep pastDue=True", StringComparison.Ordinal), count: 1, Window);
        await WaitForAsync(() => store.Get("Sweep")!.Next > now, Window);
    }

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        using var ticks = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        while (!condition())
        {
            await ticks.WaitForNextTickAsync(limit.Token);
        }
    }
}
