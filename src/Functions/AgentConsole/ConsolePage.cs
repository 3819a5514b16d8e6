using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Functions.Http;

namespace Serverless.Functions.AgentConsole;

/// <summary>
/// Serves the console page (plain HTML, CSS and JavaScript embedded in the assembly: nothing to build). The files are
/// public: they hold no data or secret, every call they make is checked for a signed-in agent.
/// </summary>
public static class ConsolePage
{
    // Scripts only from here; WebSockets to the Web PubSub service (any host: the service's name is a setting);
    // media (recordings) from blob links.
    private static readonly EmbeddedFiles Files = new("console/", "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self' wss: ws:; media-src 'self' https: http:; img-src 'self' data:; frame-ancestors 'none'");

    /// <summary>The page: <c>/api/console</c>.</summary>
    [Function("ConsolePage")]
    public static IActionResult Index([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console")] HttpRequest request) =>
        Serve(request, "index.html");

    /// <summary>Its script and style sheet: <c>/api/console/assets/{file}</c>.</summary>
    [Function("ConsoleAsset")]
    public static IActionResult Asset([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/assets/{file}")] HttpRequest request, string file) =>
        Serve(request, file);

    private static IActionResult Serve(HttpRequest request, string name) => Files.Serve(request, name);
}
