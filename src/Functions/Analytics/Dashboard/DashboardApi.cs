using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Serverless.Functions.Http;
using Serverless.Functions.SignIn;

namespace Serverless.Functions.Analytics.Dashboard;

/// <summary>
/// The analytics dashboard beside the agent console, with the same sign-in (App Service authentication's
/// <c>X-MS-CLIENT-PRINCIPAL</c>, <see cref="SignedInUsers"/>) and its own app role (<see cref="AnalyticsOptions.DashboardRole"/>).
/// Its data routes answer exactly what the key-protected analytics API answers, to a signed-in analyst; the page
/// itself is <see cref="DashboardPage"/>.
/// </summary>
public sealed class DashboardApi(SignedInUsers users, AnalyticsApi analytics, IOptions<AnalyticsOptions> options)
{
    /// <summary>Who is signed in (the page greets them, or offers the sign-in link).</summary>
    [Function("DashboardMe")]
    public IActionResult Me([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dashboard/me")] HttpRequest request) =>
        SignedIn(request, out var user, out var problem) ? new OkObjectResult(new { name = user.Name, role = options.Value.DashboardRole }) : problem;

    /// <summary><c>GET /api/analytics/calls</c> for the signed-in analyst.</summary>
    [Function("DashboardAnalytics")]
    public Task<IActionResult> AnalyticsAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dashboard/analytics/calls")] HttpRequest request, CancellationToken cancellationToken) =>
        SignedIn(request, out _, out var problem)
            ? StorageOutage.GuardAsync(request, () => analytics.AnalyticsAsync(request, cancellationToken))
            : Task.FromResult(problem);

    /// <summary><c>GET /api/analytics/calls/list</c> (the drill-down) for the signed-in analyst.</summary>
    [Function("DashboardCalls")]
    public Task<IActionResult> CallsAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dashboard/analytics/calls/list")] HttpRequest request, CancellationToken cancellationToken) =>
        SignedIn(request, out _, out var problem)
            ? StorageOutage.GuardAsync(request, () => analytics.ListAsync(request, cancellationToken))
            : Task.FromResult(problem);

    private bool SignedIn(HttpRequest request, out ClientPrincipal user, out IActionResult problem) =>
        users.TryAuthenticate(request, options.Value.DashboardRole, DashboardProblemTypes.NotAnAnalyst, "You are signed in but may not see call analytics.", out user, out problem);
}

/// <summary>The dashboard's problem types (same base URI as the rest of the API).</summary>
public static class DashboardProblemTypes
{
    public const string NotAnAnalyst = ProblemTypes.BaseUri + "not-an-analyst";
}
