using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Serverless.Functions.AgentConsole;

/// <summary>
/// Serves the console page (plain HTML, CSS and JavaScript embedded in the assembly: nothing to build). The files are
/// public: they hold no data or secret, every call they make is checked for a signed-in agent.
/// </summary>
public static class ConsolePage
{
    private static readonly FrozenDictionary<string, (byte[] Body, string Type)> Files = Load();

    /// <summary>The page: <c>/api/console</c>.</summary>
    [Function("ConsolePage")]
    public static IActionResult Index([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console")] HttpRequest request) =>
        Serve(request, "index.html");

    /// <summary>Its script and style sheet: <c>/api/console/assets/{file}</c>.</summary>
    [Function("ConsoleAsset")]
    public static IActionResult Asset([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/assets/{file}")] HttpRequest request, string file) =>
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
        // Scripts only from here; WebSockets to the Web PubSub service (any host: the service's name is a setting);
        // media (recordings) from blob links.
        headers.ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self' wss: ws:; media-src 'self' https: http:; img-src 'self' data:; frame-ancestors 'none'";
        return new FileContentResult(file.Body, file.Type);
    }

    private static FrozenDictionary<string, (byte[], string)> Load()
    {
        var assembly = typeof(ConsolePage).Assembly;
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("console/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            var name = resource["console/".Length..];
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
