using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Serverless.Functions.Nodes;
using Serverless.Functions.Storage;

namespace Serverless.Functions.Dials;

/// <summary>
/// Settles ended attempts and places due dials when the <c>dials-due</c> queue says a dial is due (one message per
/// dial stored or rescheduled, at its time). While attempts are in flight or dials wait for room, one re-check
/// follows after <see cref="NodeWatchOptions.FullRetryAfter"/> (a claimed row keeps duplicates from forking it).
/// </summary>
public sealed class DialSchedulerFunction(DialScheduler scheduler, DialStore dials, WorkScheduler work, IOptions<NodeWatchOptions> nodes, TimeProvider time)
{
    [Function("DialScheduler")]
    public async Task RunAsync(
        [QueueTrigger(WorkQueueOptions.DialsSetting, Connection = WorkQueueOptions.SectionName)] string message, CancellationToken cancellationToken)
    {
        if (WorkMessage.TryParse(message) is { } due && await work.DeferIfEarlyAsync(WorkQueueOptions.Dials, due, cancellationToken))
        {
            return;
        }

        var summary = await scheduler.RunAsync(cancellationToken);
        if (summary.InFlight + summary.Deferred + summary.Placed > 0)
        {
            var at = time.GetUtcNow() + nodes.Value.FullRetryAfter;
            if (await dials.TryClaimRecheckAsync(at, cancellationToken))
            {
                await work.ScheduleAsync(WorkQueueOptions.Dials, string.Empty, at, cancellationToken);
            }
        }
    }
}
