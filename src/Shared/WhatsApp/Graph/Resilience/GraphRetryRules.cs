using System.Net;
using System.Net.Sockets;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Serverless.Shared.WhatsApp.Graph.Resilience;

/// <summary>
/// When a Graph request may be sent again. The rule that matters: a request that is not repeat-safe
/// (<see cref="GraphAction.Connect"/>, a permission-request message) is repeated only where Meta cannot
/// have acted on it: the connection was never established, 429 (rate limited, refused up front) or
/// 503 (service unavailable). Never after a timeout and never on 500/502/504, so a retry never rings a
/// user twice. Other 4xx are final for every action.
/// </summary>
public static class GraphRetryRules
{
    /// <summary>Decides for one attempt's outcome.</summary>
    /// <param name="action">The tagged action of the request.</param>
    /// <param name="response">The response, when one arrived.</param>
    /// <param name="exception">The failure, when no response arrived.</param>
    /// <param name="now">Current time, for an HTTP-date <c>Retry-After</c>.</param>
    /// <param name="maxDelay">Longest wait we accept; a longer <c>Retry-After</c> is left to the caller.</param>
    public static bool ShouldRetry(GraphAction action, HttpResponseMessage? response, Exception? exception, DateTimeOffset now, TimeSpan maxDelay)
    {
        if (exception is not null)
        {
            return exception switch
            {
                HttpRequestException http => action.IsRepeatSafe() || IsConnectionNotEstablished(http),
                TimeoutRejectedException => action.IsRepeatSafe(),
                _ => false,
            };
        }

        if (response is null || !IsRetryableStatus(action, response.StatusCode))
        {
            return false;
        }

        var retryAfter = RetryAfterHeader.GetDelay(response.Headers, now);
        return retryAfter is null || retryAfter <= maxDelay;
    }

    /// <summary>Status-only part of the rule, also behind <see cref="WhatsAppGraphException.IsRetryable"/>.</summary>
    public static bool IsRetryableStatus(GraphAction action, HttpStatusCode status)
    {
        if (status is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable)
        {
            return true;
        }

        return action.IsRepeatSafe() && (status == HttpStatusCode.RequestTimeout || (int)status >= 500);
    }

    /// <summary>
    /// True when the exception proves no byte of the request reached the server: the connection (TCP,
    /// DNS or TLS) could not be set up. A reset or end-of-stream after connecting does not count.
    /// </summary>
    public static bool IsConnectionNotEstablished(HttpRequestException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        switch (exception.HttpRequestError)
        {
            case HttpRequestError.NameResolutionError:
            case HttpRequestError.ConnectionError:
            case HttpRequestError.SecureConnectionError:
                return true;
            case HttpRequestError.Unknown:
                break; // handlers other than SocketsHttpHandler leave it unset: look at the socket error
            default:
                return false;
        }

        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException socket)
            {
                return socket.SocketErrorCode is SocketError.ConnectionRefused or SocketError.HostUnreachable
                    or SocketError.NetworkUnreachable or SocketError.HostNotFound or SocketError.NetworkDown
                    or SocketError.AddressNotAvailable or SocketError.TryAgain;
            }
        }

        return false;
    }

    /// <summary>Outcomes the circuit breaker counts as failures of the Graph API itself.</summary>
    /// <remarks>429 is not counted: Meta's rate limits are per user or per number, and must not cut off every call.</remarks>
    public static bool IsServiceFailure(Outcome<HttpResponseMessage> outcome) => outcome.Exception switch
    {
        HttpRequestException or TimeoutRejectedException => true,
        BrokenCircuitException => false,
        null => outcome.Result is { } response
            && (response.StatusCode == HttpStatusCode.RequestTimeout || (int)response.StatusCode >= 500),
        _ => false,
    };
}
