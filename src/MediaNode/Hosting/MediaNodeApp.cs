using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.MediaNode.Commands;
using Serverless.MediaNode.Health;

namespace Serverless.MediaNode.Hosting;

/// <summary>Builds the node: the services plus <c>GET /healthz</c> and <c>/readyz</c> on the HTTP port.</summary>
public static class MediaNodeApp
{
    /// <summary>Builds the app; <paramref name="configure"/> lets tests add configuration or replace services.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        configure?.Invoke(builder);
        builder.Services.AddMediaNode(builder.Configuration);
        builder.Services.AddHealthChecks().AddCheck<ReadinessHealthCheck>("ready");
        var node = builder.Configuration.GetSection(MediaNodeOptions.SectionName).Get<MediaNodeOptions>() ?? new MediaNodeOptions();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.TryParse(node.HttpBindAddress, out var address) ? address : IPAddress.Any, node.HttpPort));

        var app = builder.Build();
        // Liveness: the process serves HTTP. Readiness: it can take calls.
        app.MapGet("/healthz", () => Results.Ok(new HealthReport("ok", [])));
        // The standard health check middleware: 200 when healthy, 503 when not; the body names what fails.
        app.MapHealthChecks("/readyz", new HealthCheckOptions { ResponseWriter = WriteReadinessAsync });
        if (node.WakeEndpoint)
        {
            app.MapCommandWake();
        }

        return app;
    }

    private static Task WriteReadinessAsync(HttpContext context, Microsoft.Extensions.Diagnostics.HealthChecks.HealthReport report)
    {
        var failing = report.Entries.Values
            .SelectMany(e => e.Data.TryGetValue(ReadinessHealthCheck.FailingKey, out var f) && f is IReadOnlyList<string> list ? list : [])
            .ToList();
        var ready = report.Status == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy;
        return context.Response.WriteAsJsonAsync(new HealthReport(ready ? "ready" : "not ready", failing));
    }
}

/// <summary>Body of the health endpoints.</summary>
/// <param name="Status">Summary.</param>
/// <param name="Failing">Conditions not met.</param>
public sealed record HealthReport(string Status, IReadOnlyList<string> Failing);
