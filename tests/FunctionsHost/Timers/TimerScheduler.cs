using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using NCrontab;
using Serverless.Testing.FunctionsHost.Discovery;

namespace Serverless.Testing.FunctionsHost.Timers;

/// <summary>
/// Runs timer functions on their NCRONTAB schedules as the Functions host's timer listener does: one loop per
/// function, never overlapping itself (the next occurrence is taken after a run ends, so missed ones are skipped),
/// <c>RunOnStartup</c> at start, and a past-due run at start for monitored schedules (interval ≥ 1 min, as the host
/// turns the monitor on by default) whose recorded next occurrence has passed. A failed run is logged; the schedule
/// goes on. Times are UTC (the host's default without WEBSITE_TIME_ZONE).
/// </summary>
internal sealed class TimerScheduler : IAsyncDisposable
{
    private static readonly TimeSpan MonitorThreshold = TimeSpan.FromMinutes(1);

    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];

    public TimerScheduler(
        IEnumerable<TimerFunctionDescriptor> timers,
        Func<TimerFunctionDescriptor, TimerInfo, CancellationToken, Task> run,
        TimeProvider time,
        TimerStatusStore? store,
        ILoggerFactory loggers)
    {
        foreach (var timer in timers)
        {
            var logger = loggers.CreateLogger($"Function.{timer.Name}");
            _loops.Add(Task.Run(() => LoopAsync(timer, run, time, store, logger, _stop.Token)));
        }
    }

    /// <summary>The per-function loops; all complete once the scheduler is disposed (nothing fires after).</summary>
    public IReadOnlyList<Task> Loops => _loops;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_loops);
        _stop.Dispose();
    }

    private static async Task LoopAsync(
        TimerFunctionDescriptor timer,
        Func<TimerFunctionDescriptor, TimerInfo, CancellationToken, Task> run,
        TimeProvider time,
        TimerStatusStore? store,
        ILogger logger,
        CancellationToken stopping)
    {
        var schedule = CronSchedule.Parse(timer.Schedule);
        var now = time.GetUtcNow().UtcDateTime;
        var monitor = timer.UseMonitor && IsMonitored(schedule, now) ? store : null;
        try
        {
            var last = monitor?.Get(timer.Name);
            if (last is not null && last.Next < now)
            {
                await InvokeAsync(timer, run, schedule, monitor, isPastDue: true, scheduledAt: now, time, logger, stopping);
            }
            else if (timer.RunOnStartup)
            {
                await InvokeAsync(timer, run, schedule, monitor, isPastDue: false, scheduledAt: now, time, logger, stopping);
            }

            var previous = now;
            while (!stopping.IsCancellationRequested)
            {
                // Never before the previous occurrence: a delay that wakes a little early must not fire it twice.
                now = time.GetUtcNow().UtcDateTime;
                var next = schedule.GetNextOccurrence(now > previous ? now : previous);
                var wait = next - time.GetUtcNow().UtcDateTime;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, stopping);
                }

                previous = next;
                await InvokeAsync(timer, run, schedule, monitor, isPastDue: false, scheduledAt: next, time, logger, stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }

    private static async Task InvokeAsync(
        TimerFunctionDescriptor timer,
        Func<TimerFunctionDescriptor, TimerInfo, CancellationToken, Task> run,
        CrontabSchedule schedule,
        TimerStatusStore? monitor,
        bool isPastDue,
        DateTime scheduledAt,
        TimeProvider time,
        ILogger logger,
        CancellationToken stopping)
    {
        var status = new ScheduleStatus
        {
            Last = monitor?.Get(timer.Name)?.Next ?? scheduledAt,
            Next = schedule.GetNextOccurrence(scheduledAt),
            LastUpdated = time.GetUtcNow().UtcDateTime,
        };
        try
        {
            await run(timer, new TimerInfo { IsPastDue = isPastDue, ScheduleStatus = status }, stopping);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
        {
            HostLog.InvocationFailed(logger, ex, timer.Name, "scheduled");
        }

        monitor?.Set(timer.Name, new ScheduleStatus
        {
            Last = scheduledAt,
            Next = schedule.GetNextOccurrence(time.GetUtcNow().UtcDateTime),
            LastUpdated = time.GetUtcNow().UtcDateTime,
        });
    }

    private static bool IsMonitored(CrontabSchedule schedule, DateTime now)
    {
        var first = schedule.GetNextOccurrence(now);
        return schedule.GetNextOccurrence(first) - first >= MonitorThreshold;
    }
}
