using Microsoft.Azure.Functions.Worker;
using Serverless.Functions.Flows;
using Serverless.Functions.Storage;

namespace Serverless.Functions.Sweeper;

/// <summary>
/// A call's deadline, delivered by the <c>call-deadlines</c> queue at its time (the store sends one message each time
/// a call's deadline or final-report time is set): the sweep's rule for that call alone. Idempotent: a stale or
/// duplicate message changes nothing (the state machine's ETag transaction and dedup key decide).
/// </summary>
public sealed class CallDeadlineFunction(CallFlow flow, WorkScheduler work)
{
    [Function("CallDeadline")]
    public async Task RunAsync(
        [QueueTrigger(WorkQueueOptions.CallDeadlinesSetting, Connection = WorkQueueOptions.SectionName)] string message, CancellationToken cancellationToken)
    {
        if (WorkMessage.TryParse(message) is not { Id.Length: > 0 } due || await work.DeferIfEarlyAsync(WorkQueueOptions.CallDeadlines, due, cancellationToken))
        {
            return;
        }

        await flow.OnDeadlineDueAsync(due.Id, cancellationToken);
    }
}
