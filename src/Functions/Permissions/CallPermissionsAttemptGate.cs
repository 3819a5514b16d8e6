using System.Net;
using Microsoft.Extensions.Options;
using Serverless.Shared.WhatsApp.Graph;
using Serverless.Shared.WhatsApp.Graph.Resilience;

namespace Serverless.Functions.Permissions;

/// <summary>
/// Puts every HTTP attempt of <c>GET call_permissions</c> (the Graph client's retries included) through
/// <see cref="CallPermissionsRateLimiter"/>, and turns Meta's 613 (HTTP 429) into a back-off every caller shares.
/// The Graph client's retry is the one retry layer; the permission service does not retry on its own.
/// </summary>
public sealed class CallPermissionsAttemptGate(CallPermissionsRateLimiter limiter, IOptions<PermissionOptions> options, TimeProvider time)
    : IGraphAttemptGate
{
    public async ValueTask EnterAsync(GraphAction action, CancellationToken cancellationToken)
    {
        if (action == GraphAction.GetCallPermissions)
        {
            await limiter.AcquireAsync(cancellationToken);
        }
    }

    public void OnResponse(GraphAction action, HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (action == GraphAction.GetCallPermissions && response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            limiter.BackOff(RetryAfterHeader.GetDelay(response.Headers, time.GetUtcNow()) ?? options.Value.RateLimitBackOff);
        }
    }
}
