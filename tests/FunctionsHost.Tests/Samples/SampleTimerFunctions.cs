using Microsoft.Azure.Functions.Worker;

namespace Serverless.Testing.FunctionsHost.Tests.Samples;

public sealed class SampleTimerFunctions(InvocationLog log, ScopeMarker scope)
{
    [Function("Sweep")]
    public async Task Sweep(
        [TimerTrigger("0 */1 * * * *")] TimerInfo timer,
        FunctionContext context,
        CancellationToken cancellationToken)
    {
        await Task.Yield();
        log.Add($"Sweep pastDue={timer.IsPastDue} fn={context.FunctionDefinition.Name} scope={scope.Id} cancelled={cancellationToken.IsCancellationRequested}");
    }

    [Function("SweepFromSetting")]
    public void SweepFromSetting([TimerTrigger("%SweepSchedule%")] TimerInfo timer) =>
        log.Add($"SweepFromSetting pastDue={timer.IsPastDue}");

    // Runs once when a host that runs schedules starts (TimerScheduleTests), then at 03:00 UTC.

    [Function("Nightly")]
    public void Nightly([TimerTrigger("0 0 3 * * *", RunOnStartup = true)] TimerInfo timer) =>
        log.Add($"Nightly pastDue={timer.IsPastDue}");

    [Function("FailingSweep")]
    public static void FailingSweep([TimerTrigger("0 0 * * * *")] TimerInfo timer) =>
        throw new InvalidOperationException("sweep failed");
}
