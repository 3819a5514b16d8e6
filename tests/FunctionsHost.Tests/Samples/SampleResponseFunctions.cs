using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Serverless.Testing.FunctionsHost.Tests.Samples;

/// <summary>The other return shapes the ASP.NET Core integration allows.</summary>
public static class SampleResponseFunctions
{
    [Function("WritesResponse")]
    public static async Task WritesResponse([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "raw")] HttpRequest request)
    {
        request.HttpContext.Response.StatusCode = StatusCodes.Status201Created;
        request.HttpContext.Response.ContentType = "text/plain";
        await request.HttpContext.Response.WriteAsync("written by the function");
    }

    [Function("ValueTaskResult")]
    public static async ValueTask<IActionResult> ValueTaskResult(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "vt/{n:int}")] HttpRequest request,
        int n)
    {
        await Task.Yield();
        return new ContentResult { Content = $"n={n}", ContentType = "text/plain", StatusCode = StatusCodes.Status200OK };
    }

    [Function("SystemLevel")]
    public static IActionResult SystemLevel([HttpTrigger(AuthorizationLevel.System, "get", Route = "system")] HttpRequest request) =>
        new OkResult();

    [Function("Echo")]
    public static IActionResult Echo(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "echo/{tag?}")] HttpRequest request,
        string? code,
        string? tag,
        string? note) =>
        new OkObjectResult(new { code, tag, note });
}
