using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;

namespace Serverless.Testing.FunctionsHost.Tests.Samples;

/// <summary>Queue-triggered samples on Azurite (connection setting <c>SampleQueues</c>), used by QueueTriggerTests.</summary>
public sealed class SampleQueueFunctions(InvocationLog log)
{
    public const string WorkQueue = "sample-work";
    public const string FailingQueue = "sample-failing";

    [Function("Work")]
    public async Task Work([QueueTrigger(WorkQueue, Connection = "SampleQueues")] string message, FunctionContext context, CancellationToken cancellationToken)
    {
        await Task.Yield();
        log.Add($"Work {message} dequeue={context.BindingContext.BindingData["DequeueCount"]} cancelled={cancellationToken.IsCancellationRequested}");
    }

    [Function("FailingWork")]
    public void FailingWork([QueueTrigger(FailingQueue, Connection = "SampleQueues")] QueueMessage message)
    {
        log.Add($"FailingWork {message.Body} dequeue={message.DequeueCount}");
        throw new InvalidOperationException("work failed");
    }
}
