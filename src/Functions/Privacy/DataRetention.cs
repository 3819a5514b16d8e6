using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Functions.Callbacks;
using Serverless.Functions.Calls;
using Serverless.Functions.Dials;
using Serverless.Functions.Flows;
using Serverless.Functions.Recordings;

namespace Serverless.Functions.Privacy;

/// <summary>What one retention run deleted.</summary>
public sealed record RetentionSummary(
    DateTimeOffset Cutoff, int Calls, int Events, int Recordings, int Dials, int Callbacks, int IdempotencyKeys, int HeldWebhooks, int RollupRows = 0, int Rings = 0);

/// <summary>
/// Deletes what is older than <see cref="RetentionOptions.Days"/>: each call created before the cutoff with its
/// history, wacid index and Idempotency-Key rows and its recording blob; finished dials; callback deliveries;
/// Idempotency-Key reservations; held webhooks; the analytics rollup periods that ended before the cutoff (their
/// call markers hold call ids); the agent console's ring rows (caller number, agent) created before it.
/// Call-permission rows stay (they hold the user's opt-out).
/// </summary>
public sealed partial class DataRetention(
    TableCallStore calls,
    DialStore dials,
    HeldWebhookStore held,
    CallbackDispatcher callbacks,
    RecordingBlobs recordings,
    Analytics.CallRollupStore rollups,
    AgentConsole.ConsoleStore console,
    IOptions<RetentionOptions> options,
    TimeProvider time,
    ILogger<DataRetention> logger)
{
    public async Task<RetentionSummary> RunAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - options.Value.Period;
        int callCount = 0, events = 0, blobs = 0;
        foreach (var call in await calls.ListCreatedBeforeAsync(cutoff, options.Value.MaxCallsPerRun, cancellationToken))
        {
            // The blob first: should its delete fail, the call row still names it for the next run.
            if (call.Recording is { } recording && await recordings.DeleteAsync(recording, cancellationToken))
            {
                blobs++;
            }

            events += await calls.DeleteAsync(call, cancellationToken);
            callCount++;
        }

        var dialCount = await dials.DeleteAsync(await dials.ListFinishedCreatedBeforeAsync(cutoff, cancellationToken), cancellationToken);
        var summary = new RetentionSummary(
            cutoff,
            callCount,
            events,
            blobs,
            dialCount,
            await callbacks.PurgeCreatedBeforeAsync(cutoff, cancellationToken),
            await calls.PurgeIdempotencyBeforeAsync(cutoff, cancellationToken),
            await held.PurgeReceivedBeforeAsync(cutoff, cancellationToken),
            await rollups.PurgeBeforeAsync(cutoff, options.Value.MaxCallsPerRun, cancellationToken),
            await console.PurgeRingsCreatedBeforeAsync(cutoff, options.Value.MaxCallsPerRun, cancellationToken));
        LogRun(summary.Cutoff, summary.Calls, summary.Events, summary.Recordings, summary.Dials, summary.Callbacks, summary.IdempotencyKeys, summary.HeldWebhooks, summary.RollupRows, summary.Rings);
        return summary;
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Retention (before {Cutoff:O}) deleted {Calls} calls, {Events} history rows, {Recordings} recordings, {Dials} dials, {Callbacks} callback deliveries, {IdempotencyKeys} idempotency keys, {HeldWebhooks} held webhooks, {RollupRows} analytics rollup rows, {Rings} agent console rings")]
    private partial void LogRun(DateTimeOffset cutoff, int calls, int events, int recordings, int dials, int callbacks, int idempotencyKeys, int heldWebhooks, int rollupRows, int rings);
}
