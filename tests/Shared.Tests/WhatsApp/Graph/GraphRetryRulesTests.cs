using System.Net;
using System.Net.Sockets;
using Polly.Timeout;
using Serverless.Shared.WhatsApp.Graph;
using Serverless.Shared.WhatsApp.Graph.Resilience;

namespace Serverless.Shared.Tests.WhatsApp.Graph;

/// <summary>The retry decision table, independent of the pipeline.</summary>
public sealed class GraphRetryRulesTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch;
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(HttpRequestError.ConnectionError, SocketError.ConnectionRefused, true)]
    [InlineData(HttpRequestError.NameResolutionError, SocketError.HostNotFound, true)]
    [InlineData(HttpRequestError.SecureConnectionError, SocketError.Success, true)]
    [InlineData(HttpRequestError.Unknown, SocketError.ConnectionRefused, true)]
    [InlineData(HttpRequestError.Unknown, SocketError.NetworkUnreachable, true)]
    [InlineData(HttpRequestError.Unknown, SocketError.ConnectionReset, false)]
    [InlineData(HttpRequestError.ResponseEnded, SocketError.ConnectionReset, false)]
    [InlineData(HttpRequestError.InvalidResponse, SocketError.Success, false)]
    public void Only_a_connection_that_never_opened_proves_Meta_never_saw_the_request(
        HttpRequestError error, SocketError socketError, bool notEstablished)
    {
        var ex = new HttpRequestException(error, "failure", new SocketException((int)socketError));
        Assert.Equal(notEstablished, GraphRetryRules.IsConnectionNotEstablished(ex));
        Assert.Equal(notEstablished, GraphRetryRules.ShouldRetry(GraphAction.Connect, null, ex, Now, MaxDelay));
        Assert.True(GraphRetryRules.ShouldRetry(GraphAction.Terminate, null, ex, Now, MaxDelay));
    }

    [Theory]
    [InlineData(GraphAction.Connect, false)]
    [InlineData(GraphAction.SendCallPermissionRequest, false)]
    [InlineData(GraphAction.Unknown, false)]
    [InlineData(GraphAction.PreAccept, true)]
    [InlineData(GraphAction.Accept, true)]
    [InlineData(GraphAction.Reject, true)]
    [InlineData(GraphAction.Terminate, true)]
    [InlineData(GraphAction.GetCallPermissions, true)]
    [InlineData(GraphAction.GetCallingSettings, true)]
    [InlineData(GraphAction.UpdateCallingSettings, true)]
    public void A_timeout_is_retried_only_for_repeat_safe_actions(GraphAction action, bool retried) =>
        Assert.Equal(retried, GraphRetryRules.ShouldRetry(action, null, new TimeoutRejectedException(), Now, MaxDelay));

    [Fact]
    public void A_Retry_After_beyond_the_max_delay_is_not_retried()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.TryAddWithoutValidation("Retry-After", "11");
        Assert.False(GraphRetryRules.ShouldRetry(GraphAction.Terminate, response, null, Now, MaxDelay));

        using var shorter = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        shorter.Headers.TryAddWithoutValidation("Retry-After", "10");
        Assert.True(GraphRetryRules.ShouldRetry(GraphAction.Connect, shorter, null, Now, MaxDelay));
    }

    [Fact]
    public void Other_exceptions_are_not_retried() =>
        Assert.False(GraphRetryRules.ShouldRetry(GraphAction.Terminate, null, new InvalidOperationException(), Now, MaxDelay));
}
