using System.Net.Http.Headers;
using Serverless.Shared.WhatsApp.Graph.Resilience;

namespace Serverless.Shared.Tests.WhatsApp.Graph;

/// <summary>RFC 9110 §10.2.3: <c>Retry-After = HTTP-date / delay-seconds</c>.</summary>
public sealed class RetryAfterHeaderTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 5, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Rfc9110_10_2_3_delay_seconds_is_the_wait()
    {
        using var response = new HttpResponseMessage();
        response.Headers.TryAddWithoutValidation("Retry-After", "120");

        Assert.Equal(TimeSpan.FromSeconds(120), RetryAfterHeader.GetDelay(response.Headers, Now));
    }

    [Fact]
    public void Rfc9110_10_2_3_http_date_is_measured_from_now()
    {
        using var response = new HttpResponseMessage();
        response.Headers.TryAddWithoutValidation("Retry-After", "Mon, 05 Jan 2026 10:00:45 GMT");

        Assert.Equal(TimeSpan.FromSeconds(45), RetryAfterHeader.GetDelay(response.Headers, Now));
    }

    [Fact]
    public void Rfc9110_10_2_3_http_date_in_the_past_means_no_wait()
    {
        var header = new RetryConditionHeaderValue(Now.AddMinutes(-1));
        Assert.Equal(TimeSpan.Zero, RetryAfterHeader.GetDelay(header, Now));
    }

    [Fact]
    public void No_header_means_no_hint()
    {
        using var response = new HttpResponseMessage();
        Assert.Null(RetryAfterHeader.GetDelay(response.Headers, Now));
    }
}
