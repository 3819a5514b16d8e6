using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Serverless.Functions.Tests.Settings;

/// <summary>What the stub saw of one request.</summary>
internal sealed record GraphRequest(string Method, string Path, string Query, string Body);

/// <summary>
/// Kestrel on 127.0.0.1 standing in for graph.facebook.com. <see cref="Respond"/> decides each answer
/// (default 200 <c>{"success":true}</c>); every request is recorded.
/// </summary>
internal sealed class GraphStub : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<GraphRequest> _requests = new();

    private GraphStub(WebApplication app) => _app = app;

    public Func<GraphRequest, (HttpStatusCode Status, string Json)> Respond { get; set; } = _ => (HttpStatusCode.OK, """{"success":true}""");

    public IReadOnlyList<GraphRequest> Requests => [.. _requests];

    public string BaseUrl { get; private set; } = string.Empty;

    public static async Task<GraphStub> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var stub = new GraphStub(app);
        app.Run(stub.HandleAsync);
        await app.StartAsync();
        stub.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single().TrimEnd('/') + "/";
        return stub;
    }

    public static string MetaError(int code, string message = "refused") =>
        "{\"error\":{\"message\":\"" + message + "\",\"type\":\"OAuthException\",\"code\":" + code + ",\"fbtrace_id\":\"T\"}}";

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var request = new GraphRequest(
            context.Request.Method, context.Request.Path.Value ?? "", context.Request.QueryString.Value ?? "",
            await reader.ReadToEndAsync(context.RequestAborted));
        _requests.Enqueue(request);
        var (status, json) = Respond(request);
        context.Response.StatusCode = (int)status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
