using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Serverless.Testing;

/// <summary>
/// A real Kestrel on 127.0.0.1 (a free port) answering one POST route, for stand-ins of the Functions' endpoints
/// (the media events receiver of the node tests and of the node-load benchmark). One source file, linked into each
/// project that uses it.
/// </summary>
internal static class LoopbackHttp
{
    /// <summary>Starts the app with <paramref name="handler"/> on POST <paramref name="path"/>; returns it and the route's absolute URL.</summary>
    public static async Task<(WebApplication App, Uri Url)> StartPostAsync(string path, Delegate handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapPost(path, handler);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new Uri(new Uri(address), path));
    }
}
