using Microsoft.Azure.Functions.Worker;

namespace Serverless.Functions.Callbacks;

/// <summary>Timer that delivers due callbacks every 10 seconds (retries included).</summary>
public sealed class CallbackDrainFunction(CallbackDispatcher dispatcher)
{
    [Function("DrainCallbacks")]
    public Task RunAsync([TimerTrigger("*/10 * * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        dispatcher.DrainAsync(cancellationToken);
}
