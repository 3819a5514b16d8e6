using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Functions.Flows;
using Serverless.Functions.Nodes;

namespace Serverless.Functions.Sweeper;

/// <summary>
/// Dead-node failover: every few seconds, each MediaNode silent past the threshold has its live calls failed
/// <c>node-lost</c> (Meta gets one terminate per call, <c>call.ended</c> follows), then its row is forgotten.
/// Several instances may run it at once: each call's ending is one ETag transaction with one dedup key.
/// </summary>
public sealed partial class NodeWatchFunction(
    NodeRegistry registry, CallFlow flow, IOptions<NodeWatchOptions> options, ILogger<NodeWatchFunction> logger)
{
    /// <summary>Every 5 seconds: with the 8 s threshold a killed node's calls end within about 13 s.</summary>
    public const string Schedule = "*/5 * * * * *";

    [Function("NodeWatch")]
    public async Task RunAsync([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken)
    {
        foreach (var dead in await registry.ListDeadAsync(cancellationToken))
        {
            var (ended, done) = await flow.FailNodeCallsAsync(dead.NodeId, options.Value.BatchSize, cancellationToken);
            LogNodeLost(dead.NodeId, dead.BeatAt, ended);
            if (done)
            {
                await registry.ForgetAsync(dead, cancellationToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Media node {NodeId} silent since {BeatAt}: {Count} calls ended node-lost")]
    private partial void LogNodeLost(string nodeId, DateTimeOffset beatAt, int count);
}
