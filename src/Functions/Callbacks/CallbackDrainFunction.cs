using Microsoft.Azure.Functions.Worker;
using Serverless.Functions.Storage;

namespace Serverless.Functions.Callbacks;

/// <summary>
/// Delivers due callbacks when the <c>callbacks-due</c> queue says some are due: one message per event added and per
/// retry (at its back-off). Each run drains every due delivery (leases keep two runs from sending one twice).
/// </summary>
public sealed class CallbackDrainFunction(CallbackDispatcher dispatcher, WorkScheduler work)
{
    [Function("DrainCallbacks")]
    public async Task RunAsync(
        [QueueTrigger(WorkQueueOptions.CallbacksSetting, Connection = WorkQueueOptions.SectionName)] string message, CancellationToken cancellationToken)
    {
        if (WorkMessage.TryParse(message) is { } due && await work.DeferIfEarlyAsync(WorkQueueOptions.Callbacks, due, cancellationToken))
        {
            return;
        }

        await dispatcher.DrainAsync(cancellationToken);
    }
}
