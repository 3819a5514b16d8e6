using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Serverless.Functions.Analytics.Dashboard;

/// <summary>
/// Serves the dashboard page: plain HTML, CSS and JavaScript embedded in the assembly, with Chart.js vendored from the
/// pinned npm package at build time (Functions.csproj). The files are public: they hold no data or secret; every data
/// call they make is checked for a signed-in analyst (<see cref="DashboardApi"/>).
/// </summary>
public static class DashboardPage
{
    private static readonly FrozenDictionary<string, (byte[] Body, string Type)> Files = Load();

    /// <summary>The page: <c>/api/dashboard</c>.</summary>
    [Function("DashboardPage")]
    public static IActionResult Page([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dashboard")] HttpRequest request) =>
        Serve(request, "index.html");

    /// <summary>Its script, style sheet and Chart.js: <c>/api/dashboard/assets/{file}</c>.</summary>
    [Function("DashboardAsset")]
    public static IActionResult Asset([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dashboard/assets/{file}")] HttpRequest request, string file) =>
        Serve(request, file);

    private static IActionResult Serve(HttpRequest request, string name)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Files.TryGetValue(name, out var file))
        {
            return new NotFoundResult();
        }

        var headers = request.HttpContext.Response.Headers;
        headers.CacheControl = "no-cache";
        headers["X-Content-Type-Options"] = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        // Everything from here: scripts (Chart.js included), data and styles; Chart.js styles its canvases through
        // the DOM, which style-src does not restrict.
        headers.ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'";
        return new FileContentResult(file.Body, file.Type);
    }

    private static FrozenDictionary<string, (byte[], string)> Load()
    {
        var assembly = typeof(DashboardPage).Assembly;
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("dashboard/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            var name = resource["dashboard/".Length..];
            var type = Path.GetExtension(name) switch
            {
                ".html" => "text/html; charset=utf-8",
                ".js" => "text/javascript; charset=utf-8",
                ".css" => "text/css; charset=utf-8",
                _ => "application/octet-stream",
            };
            files[name] = (memory.ToArray(), type);
        }

        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
