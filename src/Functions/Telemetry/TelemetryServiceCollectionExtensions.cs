using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Serverless.Shared.Transport;

namespace Serverless.Functions.Telemetry;

/// <summary>
/// OpenTelemetry for the Functions app: traces of the HTTP requests (dial, webhook, media events) and of the command
/// transport, so one call's dial, its commands and the node's events share a trace id (W3C context travels in every
/// command and on every HTTP request). Exported to Application Insights when <see cref="ConnectionStringVariable"/>
/// is set (Azure sets it from Bicep); without it the spans stay in-process (tests add their own exporter).
/// </summary>
public static class TelemetryServiceCollectionExtensions
{
    /// <summary>The standard Application Insights setting.</summary>
    public const string ConnectionStringVariable = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>
    /// <c>ClientId=…;Authorization=AAD</c> (Bicep): the Application Insights resource takes only Entra ID tokens
    /// (local auth off), sent by this user-assigned identity (role Monitoring Metrics Publisher).
    /// </summary>
    public const string AuthenticationStringVariable = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>ASP.NET Core's request spans (the dial, webhook and media event requests).</summary>
    public const string AspNetCoreSource = "Microsoft.AspNetCore";

    /// <summary>.NET's outgoing HTTP spans (Graph, callbacks, a node's event posts in-process).</summary>
    public const string HttpClientSource = "System.Net.Http";

    /// <summary>The sources whose spans are recorded.</summary>
    public static readonly IReadOnlyList<string> Sources = [AspNetCoreSource, HttpClientSource, CommandProcessor.ActivitySource.Name];

    public static IOpenTelemetryBuilder AddCallingTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var connectionString = configuration[ConnectionStringVariable];
        var export = !string.IsNullOrWhiteSpace(connectionString);
        var credential = export ? CredentialFor(configuration[AuthenticationStringVariable]) : null;
        return services.AddOpenTelemetry()
            .WithTracing(tracing =>
            {
                tracing.AddSource([.. Sources]);
                if (export)
                {
                    tracing.AddAzureMonitorTraceExporter(o => o.ConnectionString = connectionString, credential);
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter("Microsoft.AspNetCore.Hosting");
                if (export)
                {
                    metrics.AddAzureMonitorMetricExporter(o => o.ConnectionString = connectionString, credential);
                }
            });
    }

    /// <summary>The managed identity named by an AAD authentication string; null (connection-string auth) otherwise.</summary>
    internal static TokenCredential? CredentialFor(string? authenticationString)
    {
        if (string.IsNullOrWhiteSpace(authenticationString))
        {
            return null;
        }

        var parts = authenticationString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1], StringComparer.OrdinalIgnoreCase);
        if (!parts.TryGetValue("Authorization", out var authorization) || !string.Equals(authorization, "AAD", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return parts.TryGetValue("ClientId", out var clientId) && clientId.Length > 0
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned);
    }
}
