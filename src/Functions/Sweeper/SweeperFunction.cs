using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Functions.Flows;

namespace Serverless.Functions.Sweeper;

/// <summary>
/// Ends calls stuck in a non-final state past their deadline (no answer webhook, a silent MediaNode): Graph
/// terminate (or reject for an unanswered inbound call) and Hangup, via the same flow as every other ending. It also
/// deletes held webhooks past their <c>ExpiresAt</c> (Table Storage has no TTL).
/// </summary>
public sealed partial class SweeperFunction(
    CallFlow flow, HeldWebhookStore held, IOptions<CallFlowOptions> options, ILogger<SweeperFunction> logger)
{
    /// <summary>Every 15 seconds: well inside Meta's 30–60 s answer window.</summary>
    public const string Schedule = "*/15 * * * * *";

    [Function("Sweeper")]
    public async Task RunAsync([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken)
    {
        var ended = await flow.SweepAsync(options.Value.SweepBatchSize, cancellationToken);
        if (ended > 0)
        {
            LogSwept(ended);
        }

        var purged = await held.PurgeExpiredAsync(options.Value.SweepBatchSize, cancellationToken);
        if (purged > 0)
        {
            LogPurged(purged);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweeper deleted {Count} expired held webhooks")]
    private partial void LogPurged(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweeper ended {Count} overdue calls")]
    private partial void LogSwept(int count);
}
