using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Functions.Callbacks;
using Serverless.Functions.Dials;
using Serverless.Functions.Flows;
using Serverless.Functions.Nodes;

namespace Serverless.Functions.Sweeper;

/// <summary>
/// The one slow safety timer: the queues do the timed work on time (<c>CallDeadline</c>, <c>NodeWatch</c>,
/// <c>DrainCallbacks</c>, <c>DialScheduler</c>); this run catches what a lost message (a send that failed after its
/// commit, a poisoned message) missed. Until done, it first indexes calls made before the call index existed
/// (<see cref="Serverless.Functions.Calls.TableCallStore.BackfillIndexAsync"/>, once, resumable). It ends calls past their deadline and reports overdue node reports (read from
/// the call index's due partitions, never a scan of the calls), fails the calls of dead nodes (node index), delivers
/// due callbacks, places due dials, and deletes held webhooks past their <c>ExpiresAt</c> (Table Storage has no TTL).
/// </summary>
public sealed partial class SweeperFunction(
    CallFlow flow,
    Serverless.Functions.Calls.TableCallStore calls,
    HeldWebhookStore held,
    NodeRegistry registry,
    CallbackDispatcher callbacks,
    DialScheduler dials,
    IOptions<CallFlowOptions> options,
    IOptions<NodeWatchOptions> nodeOptions,
    ILogger<SweeperFunction> logger)
{
    /// <summary>Every 5 minutes: 288 runs a day when idle (the queues carry the on-time work).</summary>
    public const string Schedule = "0 */5 * * * *";

    // The one-time call index backfill reads this many live calls per run (pages of 100) until it is done.
    private const int BackfillPageSize = 100;
    private const int BackfillPagesPerRun = 50;

    [Function("Sweeper")]
    public async Task RunAsync([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken)
    {
        // Calls made before the call index existed get their rows first, so this very run can see them.
        if (await calls.BackfillIndexAsync(BackfillPageSize, BackfillPagesPerRun, cancellationToken) is { Indexed: > 0 } backfilled)
        {
            LogBackfill(backfilled.Indexed, backfilled.Done);
        }

        var ended = await flow.SweepAsync(options.Value.SweepBatchSize, cancellationToken);
        if (ended > 0)
        {
            LogSwept(ended);
        }

        foreach (var dead in await registry.ListDeadAsync(cancellationToken))
        {
            var (lost, done) = await flow.FailNodeCallsAsync(dead.NodeId, nodeOptions.Value.BatchSize, cancellationToken);
            LogNodeLost(dead.NodeId, dead.BeatAt, lost);
            if (done)
            {
                await registry.ForgetAsync(dead, cancellationToken);
            }
        }

        await callbacks.DrainAsync(cancellationToken);
        await dials.RunAsync(cancellationToken);

        var purged = await held.PurgeExpiredAsync(options.Value.SweepBatchSize, cancellationToken);
        if (purged > 0)
        {
            LogPurged(purged);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweeper indexed {Count} calls made before the call index (done: {Done})")]
    private partial void LogBackfill(int count, bool done);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweeper deleted {Count} expired held webhooks")]
    private partial void LogPurged(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweeper ended {Count} overdue calls")]
    private partial void LogSwept(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Media node {NodeId} silent since {BeatAt}: {Count} calls ended node-lost")]
    private partial void LogNodeLost(string nodeId, DateTimeOffset beatAt, int count);
}
