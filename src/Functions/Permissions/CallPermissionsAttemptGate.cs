using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Shared.WhatsApp.Graph;
using Serverless.Shared.WhatsApp.Graph.Resilience;

namespace Serverless.Functions.Permissions;

/// <summary>
/// Puts every HTTP attempt of <c>GET call_permissions</c> (the Graph client's retries included) through
/// the app-wide bucket (<see cref="PermissionStore.LookupBudget"/>, shared by every Functions instance) and then
/// <see cref="CallPermissionsRateLimiter"/> (this instance's smoothing), and turns Meta's 613 (HTTP 429)
/// into a back-off every caller of every instance shares.
/// The Graph client's retry is the one retry layer; the permission service does not retry on its own.
/// </summary>
public sealed partial class CallPermissionsAttemptGate(
    CallPermissionsRateLimiter limiter, PermissionStore store, IOptions<PermissionOptions> options, TimeProvider time, ILogger<CallPermissionsAttemptGate> logger)
    : IGraphAttemptGate
{
    public async ValueTask EnterAsync(GraphAction action, CancellationToken cancellationToken)
    {
        if (action == GraphAction.GetCallPermissions)
        {
            // The app-wide bucket first, this instance's smoothing last: a bucket in 613 debt releases its waiters
            // together when it clears, and only the smoothing right before the send keeps them 5 per second apart.
            await store.LookupBudget.AcquireAsync(cancellationToken);
            await limiter.AcquireAsync(cancellationToken);
        }
    }

    public void OnResponse(GraphAction action, HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (action == GraphAction.GetCallPermissions && response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            var delay = RetryAfterHeader.GetDelay(response.Headers, time.GetUtcNow()) ?? options.Value.RateLimitBackOff;
            limiter.BackOff(delay);
            // The other instances' next attempts wait too; this one already does (above), so it is not awaited here.
            _ = ShareBackOffAsync(delay);
        }
    }

    private async Task ShareBackOffAsync(TimeSpan delay)
    {
        try
        {
            await store.LookupBudget.BackOffAsync(delay);
        }
        catch (Azure.RequestFailedException ex)
        {
            LogBackOffNotShared(ex.Status);
        }
        catch (AggregateException)
        {
            // The storage client's own retries all failed (network): the next 613 tries again.
            LogBackOffNotShared(0);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Meta's 613 back-off could not be shared with the other instances (storage answered {Status})")]
    private partial void LogBackOffNotShared(int status);
}
