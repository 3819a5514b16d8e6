using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Functions.Http;

namespace Serverless.Functions.Analytics.Dashboard;

/// <summary>
/// Serves the dashboard page: plain HTML, CSS and JavaScript embedded in the assembly, with Chart.js vendored from the
/// pinned npm package at build time (Functions.csproj). The files are public: they hold no data or secret; every data
/// call they make is checked for a signed-in analyst (<see cref="DashboardApi"/>).
/// </summary>
public static class DashboardPage
{
    // Everything from here: scripts (Chart.js included), data and styles; Chart.js styles its canvases through
    // the DOM, which style-src does not restrict.
    private static readonly EmbeddedFiles Files = new("dashboard/", "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'");

    /// <summary>The page: <c>/api/dashboard</c>.</summary>
    [Function("DashboardPage")]
    public static IActionResult Page([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dashboard")] HttpRequest request) =>
        Serve(request, "index.html");

    /// <summary>Its script, style sheet and Chart.js: <c>/api/dashboard/assets/{file}</c>.</summary>
    [Function("DashboardAsset")]
    public static IActionResult Asset([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dashboard/assets/{file}")] HttpRequest request, string file) =>
        Serve(request, file);

    private static IActionResult Serve(HttpRequest request, string name) => Files.Serve(request, name);
}
