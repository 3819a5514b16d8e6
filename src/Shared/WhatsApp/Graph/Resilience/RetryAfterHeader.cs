using System.Net.Http.Headers;

namespace Serverless.Shared.WhatsApp.Graph.Resilience;

/// <summary>Reads <c>Retry-After</c> (RFC 9110 §10.2.3): delay-seconds or an HTTP-date.</summary>
public static class RetryAfterHeader
{
    /// <summary>
    /// The wait the header asks for, measured from <paramref name="now"/> for the HTTP-date form;
    /// a date in the past means "now" (zero). Null when the header is absent.
    /// </summary>
    public static TimeSpan? GetDelay(HttpResponseHeaders headers, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var retryAfter = headers.RetryAfter;
        return GetDelay(retryAfter, now);
    }

    /// <summary>Same as <see cref="GetDelay(HttpResponseHeaders, DateTimeOffset)"/> on a parsed header value.</summary>
    public static TimeSpan? GetDelay(RetryConditionHeaderValue? retryAfter, DateTimeOffset now)
    {
        if (retryAfter is null)
        {
            return null;
        }

        if (retryAfter.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (retryAfter.Date is { } date)
        {
            var wait = date - now;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }
}
