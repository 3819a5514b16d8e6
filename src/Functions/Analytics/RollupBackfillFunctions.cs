using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Functions.Http;
using Serverless.Functions.Storage;

namespace Serverless.Functions.Analytics;

/// <summary>
/// The analytics backfill (<see cref="RollupBackfill"/>): <c>POST /api/analytics/backfill</c> starts a run and
/// <c>GET /api/analytics/backfill</c> shows its progress, both Admin level (master key: an operator's one-off after
/// deploying); the queue trigger does one page of call rows per message.
/// </summary>
public sealed class RollupBackfillFunctions(RollupBackfill backfill)
{
    [Function("StartAnalyticsBackfill")]
    public Task<IActionResult> StartAsync(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "analytics/backfill")] HttpRequest request, CancellationToken cancellationToken) =>
        StorageOutage.GuardAsync(request, async () =>
            (IActionResult)new AcceptedResult("analytics/backfill", await backfill.StartAsync(cancellationToken)));

    [Function("GetAnalyticsBackfill")]
    public Task<IActionResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Admin, "get", Route = "analytics/backfill")] HttpRequest request, CancellationToken cancellationToken) =>
        StorageOutage.GuardAsync(request, async () => await backfill.GetAsync(cancellationToken) is { } state
            ? new OkObjectResult(state)
            : Problems.Create(StatusCodes.Status404NotFound, ProblemTypes.BackfillNotFound, "No analytics backfill has run.", "POST /api/analytics/backfill starts one."));

    [Function("AnalyticsBackfillPage")]
    public async Task RunPageAsync(
        [QueueTrigger(WorkQueueOptions.AnalyticsBackfillSetting, Connection = WorkQueueOptions.SectionName)] string message, CancellationToken cancellationToken)
    {
        if (WorkMessage.TryParse(message) is { } page)
        {
            await backfill.RunPageAsync(page.Id, cancellationToken);
        }
    }
}
