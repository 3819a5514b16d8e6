using Microsoft.Azure.Functions.Worker;

namespace Serverless.Functions.Privacy;

/// <summary>Daily enforcement of <see cref="RetentionOptions"/>, on the schedule the app setting <c>Retention:Schedule</c> names.</summary>
public sealed class RetentionFunction(DataRetention retention)
{
    [Function("Retention")]
    public Task RunAsync([TimerTrigger("%" + RetentionOptions.ScheduleSetting + "%")] TimerInfo timer, CancellationToken cancellationToken) =>
        retention.RunAsync(cancellationToken);
}
