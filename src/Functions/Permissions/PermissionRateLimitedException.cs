namespace Serverless.Functions.Permissions;

/// <summary>Meta kept answering 613 (call_permissions limit) and nothing was cached to fall back on.</summary>
public sealed class PermissionRateLimitedException(TimeSpan retryAfter, Exception innerException)
    : Exception($"Meta's call_permissions limit (613) persisted; retry after {retryAfter}.", innerException)
{
    /// <summary>How long the limiter now holds requests back.</summary>
    public TimeSpan RetryAfter { get; } = retryAfter;
}
