using Microsoft.Azure.Functions.Worker;

namespace Serverless.Functions.Dials;

/// <summary>Timer that settles ended attempts and places due dials every 5 seconds (a singleton in Azure Functions).</summary>
public sealed class DialSchedulerFunction(DialScheduler scheduler)
{
    [Function("DialScheduler")]
    public Task RunAsync([TimerTrigger("*/5 * * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        scheduler.RunAsync(cancellationToken);
}
