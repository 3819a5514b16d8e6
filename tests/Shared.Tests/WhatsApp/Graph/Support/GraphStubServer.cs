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

namespace Serverless.Shared.Tests.WhatsApp.Graph.Support;

/// <summary>What the stub saw of one request.</summary>
internal sealed record RecordedRequest(
    string Method, string Path, string Query, string? Authorization, string? ContentType, string Body);

/// <summary>
/// A real Kestrel server on 127.0.0.1 (port 0) standing in for graph.facebook.com: records every request
/// and answers with a fixed status and JSON body.
/// </summary>
internal sealed class GraphStubServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    private GraphStubServer(WebApplication app) => _app = app;

    public HttpStatusCode Status { get; set; } = HttpStatusCode.OK;

    public string ResponseJson { get; set; } = """{"success":true}""";

    public string ResponseContentType { get; set; } = "application/json";

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>Forgets recorded requests and restores the default 200 <c>{"success":true}</c> answer.</summary>
    public void Reset()
    {
        _requests.Clear();
        Status = HttpStatusCode.OK;
        ResponseJson = """{"success":true}""";
        ResponseContentType = "application/json";
    }

    public string BaseUrl { get; private set; } = string.Empty;

    public static async Task<GraphStubServer> StartAsync(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var stub = new GraphStubServer(app);
        app.Run(stub.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        stub.BaseUrl = address.TrimEnd('/') + "/";
        return stub;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        _requests.Enqueue(new RecordedRequest(
            context.Request.Method,
            context.Request.Path.Value ?? string.Empty,
            context.Request.QueryString.Value ?? string.Empty,
            context.Request.Headers.Authorization.ToString(),
            context.Request.ContentType,
            body));

        context.Response.StatusCode = (int)Status;
        context.Response.ContentType = ResponseContentType;
        await context.Response.WriteAsync(ResponseJson, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
