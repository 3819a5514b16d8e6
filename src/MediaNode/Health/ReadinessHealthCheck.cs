using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Serverless.MediaNode.Health;

/// <summary>The node's readiness as an ASP.NET Core health check: unhealthy, naming each failing condition, when not ready.</summary>
public sealed class ReadinessHealthCheck(ReadinessCheck readiness) : IHealthCheck
{
    /// <summary>Key of <see cref="HealthCheckResult.Data"/> holding the failing conditions.</summary>
    public const string FailingKey = "failing";

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failing = readiness.Check();
        var data = new Dictionary<string, object> { [FailingKey] = failing };
        return Task.FromResult(failing.Count == 0
            ? HealthCheckResult.Healthy("ready", data)
            : HealthCheckResult.Unhealthy("not ready: " + string.Join(", ", failing), data: data));
    }
}
