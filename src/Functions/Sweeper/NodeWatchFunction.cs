using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Functions.Calls;
using Serverless.Functions.Flows;
using Serverless.Functions.Nodes;
using Serverless.Functions.Storage;

namespace Serverless.Functions.Sweeper;

/// <summary>
/// Dead-node failover, only while a node carries calls: the first call a node takes arms its watch (one
/// <c>node-watch</c> message per node, every <see cref="WorkQueueOptions.NodeCheckInterval"/>). Each message reads the
/// node's heartbeat row; a node silent past the threshold has its live calls (from the node index, never a scan of
/// the calls) failed <c>node-lost</c> (Meta gets one terminate per call, <c>call.ended</c> follows), then its row is
/// forgotten. A node with no call left ends its watch. Several instances or a duplicate message may run it at once:
/// each call's ending is one ETag transaction with one dedup key, and only the chain's current message goes on.
/// </summary>
public sealed partial class NodeWatchFunction(
    NodeRegistry registry, CallFlow flow, TableCallStore store, WorkScheduler work, IOptions<NodeWatchOptions> options, TimeProvider time,
    ILogger<NodeWatchFunction> logger)
{
    [Function("NodeWatch")]
    public async Task RunAsync(
        [QueueTrigger(WorkQueueOptions.NodeWatchSetting, Connection = WorkQueueOptions.SectionName)] string message, CancellationToken cancellationToken)
    {
        if (WorkMessage.TryParse(message) is not { Id.Length: > 0 } watch || await work.DeferIfEarlyAsync(WorkQueueOptions.NodeWatch, watch, cancellationToken))
        {
            return;
        }

        var nodeId = watch.Id;
        var current = await store.Index.IsCurrentWatchAsync(nodeId, watch.DueAt, cancellationToken);
        var beat = (await registry.ListAsync(cancellationToken)).FirstOrDefault(b => b.NodeId == nodeId);
        if (beat is not null && registry.IsDead(beat, time.GetUtcNow()))
        {
            if (await FailAsync(beat, cancellationToken))
            {
                await store.Index.StopNodeWatchAsync(nodeId, cancellationToken);
            }
            else if (current)
            {
                await store.Index.ContinueNodeWatchAsync(nodeId, cancellationToken);
            }

            return;
        }

        if (!current)
        {
            return; // a duplicate or stray delivery: the chain's own message goes on
        }

        // No row (never beat, or storage came back empty): nothing to judge by; deadlines still bound its calls.
        if ((await store.Index.OnNodeAsync(nodeId, 1, cancellationToken)).Count > 0)
        {
            await store.Index.ContinueNodeWatchAsync(nodeId, cancellationToken);
        }
        else
        {
            await store.Index.StopNodeWatchAsync(nodeId, cancellationToken);
        }
    }

    /// <summary>Fails a dead node's calls (a batch); true once none is left and its row is forgotten.</summary>
    private async Task<bool> FailAsync(NodeBeat dead, CancellationToken cancellationToken)
    {
        var (ended, done) = await flow.FailNodeCallsAsync(dead.NodeId, options.Value.BatchSize, cancellationToken);
        LogNodeLost(dead.NodeId, dead.BeatAt, ended);
        if (done)
        {
            await registry.ForgetAsync(dead, cancellationToken);
        }

        return done;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Media node {NodeId} silent since {BeatAt}: {Count} calls ended node-lost")]
    private partial void LogNodeLost(string nodeId, DateTimeOffset beatAt, int count);
}
