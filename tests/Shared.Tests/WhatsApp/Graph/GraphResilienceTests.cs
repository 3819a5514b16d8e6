using System.Net;
using System.Net.Sockets;
using Serverless.Shared.Tests.WhatsApp.Graph.Support;
using Serverless.Shared.WhatsApp.Graph;

namespace Serverless.Shared.Tests.WhatsApp.Graph;

/// <summary>
/// The resilience pipeline with a fake clock: nothing really waits. Attempt timeout is 10 s and the
/// overall timeout 100 s (see <see cref="GraphClientHost"/>), so any other armed timer is a retry delay.
/// </summary>
public sealed class GraphResilienceTests
{
    private const string ConnectOk = """{"messaging_product":"whatsapp","calls":[{"id":"wacid.ok"}]}""";
    private const string SuccessOk = """{"messaging_product":"whatsapp","success":true}""";
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan TotalTimeout = TimeSpan.FromSeconds(100);

    private static bool IsRetryDelay(TimeSpan due) => due != AttemptTimeout && due != TotalTimeout;

    private static Task<string> Connect(GraphClientHost host, CancellationToken cancellationToken = default) =>
        host.Client.ConnectAsync(GraphClientHost.PhoneNumberId, "14085551234", SampleSdp.Offer(), cancellationToken: cancellationToken);

    private static Task Terminate(GraphClientHost host) => host.Client.TerminateAsync(GraphClientHost.PhoneNumberId, "wacid.1");

    [Fact]
    public async Task A_429_with_Retry_After_seconds_is_waited_exactly_then_succeeds()
    {
        using var handler = new ScriptedHandler()
            .ThenRespond(HttpStatusCode.TooManyRequests, """{"error":{"code":138005,"message":"Call rate limit"}}""",
                r => r.Headers.Add("Retry-After", "7"))
            .ThenRespond(HttpStatusCode.OK, ConnectOk);
        using var host = new GraphClientHost("http://127.0.0.1:9/", handler);

        var call = Connect(host);
        var delay = await host.Time.WaitForArmedAsync(IsRetryDelay);

        Assert.Equal(TimeSpan.FromSeconds(7), delay);
        Assert.Equal(1, handler.Count);
        host.Time.Advance(delay);
        Assert.Equal("wacid.ok", await call.Within());
        Assert.Equal(2, handler.Count);
    }

    [Fact]
    public async Task A_503_with_Retry_After_http_date_waits_until_that_date()
    {
        using var handler = new ScriptedHandler();
        using var host = new GraphClientHost("http://127.0.0.1:9/", handler);
        var until = host.Time.GetUtcNow().AddSeconds(20);
        handler
            .ThenRespond(HttpStatusCode.ServiceUnavailable, "{}", r => r.Headers.RetryAfter = new(until))
            .ThenRespond(HttpStatusCode.OK, SuccessOk);

        var terminate = Terminate(host);
        var delay = await host.Time.WaitForArmedAsync(IsRetryDelay);

        Assert.Equal(TimeSpan.FromSeconds(20), delay);
        host.Time.Advance(delay);
        await terminate.Within();
        Assert.Equal(2, handler.Count);
    }

    [Fact]
    public async Task A_Retry_After_longer_than_RetryMaxDelay_is_not_waited_but_surfaced()
    {
        using var handler = new ScriptedHandler()
            .ThenRespond(HttpStatusCode.TooManyRequests, """{"error":{"code":613,"message":"limit"}}""",
                r => r.Headers.Add("Retry-After", "120"))
            .ThenRespond(HttpStatusCode.OK, """{"permission":{"status":"permanent"}}""");
        using var host = new GraphClientHost("http://127.0.0.1:9/", handler);

        var ex = await Assert.ThrowsAsync<WhatsAppApiException>(
            () => host.Client.GetCallPermissionsAsync(GraphClientHost.PhoneNumberId, "16315553602").Within());

        Assert.Equal(1, handler.Count);
        Assert.Equal(TimeSpan.FromSeconds(120), ex.RetryAfter);
        Assert.Equal(WhatsAppErrorKind.PermissionApiRateLimit, ex.Kind);
        Assert.True(ex.IsRateLimit);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.NotFound)]
    public async Task A_4xx_other_than_429_is_never_retried(HttpStatusCode status)
    {
        using var handler = new ScriptedHandler()
            .ThenRespond(status, """{"error":{"code":100,"error_subcode":2494010,"message":"Invalid parameter"}}""")
            .ThenRespond(HttpStatusCode.OK, SuccessOk);
        using var host = new GraphClientHost("http://127.0.0.1:9/", handler);

        var ex = await Assert.ThrowsAsync<WhatsAppApiException>(() => Terminate(host).Within());

        Assert.Equal(status, ex.HttpStatus);
        Assert.Equal(1, handler.Count);
    }

    [Fact]
    public async Task A_timed_out_connect_is_not_retried()
    {
        using var handler = new ScriptedHandler().ThenHang().ThenRespond(HttpStatusCode.OK, ConnectOk);
        using var host = new GraphClientHost("http://127.0.0.1:9/", handler);

        var call = Connect(host);
        await handler.WaitForRequestsAsync(1);
        await host.Time.WaitForArmedAsync(AttemptTimeout);
        host.Time.Advance(AttemptTimeout);

        var ex = await Assert.ThrowsAsync<WhatsAppTransportException>(() => call.Within());
        Assert.Equal(WhatsAppTransportFailure.Timeout, ex.Failure);
        Assert.True(ex.RequestMayHaveReachedMeta);
        Assert.False(ex.IsRetryable);
        Assert.Equal(1, handler.Count);
    }

    [Fact]
    public async Task A_timed_out_terminate_is_retried()
    {
        using var handler = new ScriptedHandler().ThenHang().ThenRespond(HttpStatusCode.OK, SuccessOk);
        using var host = new GraphClientHost("http://127.0.0.1:9/", handler);

        var terminate = Terminate(host);
        await handler.WaitForRequestsAsync(1);
        await host.Time.WaitForArmedAsync(AttemptTimeout);
        host.Time.Advance(AttemptTimeout);
        var delay = await host.Time.WaitForArmedAsync(IsRetryDelay);
        host.Time.Advance(delay);

        await terminate.Within();
        Assert.Equal(2, handler.Count);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.GatewayTimeout)]
    public async Task Connect_on_500_502_504_is_not_retried(HttpStatusCode status)
    {
        using var handler = new ScriptedHandler()
            .ThenRespond(status, """{"error":{"code":138004,"message":"Connection error"}}""")
            .ThenRespond(HttpStatusCode.OK, ConnectOk);
        using var host = new GraphClientHost("http://127.0.0.1:9/", handler);

        var ex = await Assert.ThrowsAsync<WhatsAppApiException>(() => Connect(host).Within());

        Assert.Equal(status, ex.HttpStatus);
        Assert.Equal(1, handler.Count);
    }

    [Fact]
    public async Task Terminate_on_500_is_retried()
    {
        using var handler = new ScriptedHandler()
            .ThenRespond(HttpStatusCode.InternalServerError, "{}")
            .ThenRespond(HttpStatusCode.OK, SuccessOk);
        using var host = new GraphClientHost("http://127.0.0.1:9/", handler);

        var terminate = Terminate(host);
        host.Time.Advance(await host.Time.WaitForArmedAsync(IsRetryDelay));

        await terminate.Within();
        Assert.Equal(2, handler.Count);
    }

    [Fact]
    public async Task Terminate_on_503_is_retried_with_backoff_until_success()
    {
        using var handler = new ScriptedHandler()
            .ThenRespond(HttpStatusCode.ServiceUnavailable, "{}")
            .ThenRespond(HttpStatusCode.ServiceUnavailable, "{}")
            .ThenRespond(HttpStatusCode.OK, SuccessOk);
        using var host = new GraphClientHost("http://127.0.0.1:9/", handler);

        var terminate = Terminate(host);
        var first = await host.Time.WaitForArmedAsync(IsRetryDelay, occurrence: 1);
        host.Time.Advance(first);
        var second = await host.Time.WaitForArmedAsync(IsRetryDelay, occurrence: 2);
        host.Time.Advance(second);

        await terminate.Within();
        Assert.Equal(3, handler.Count);
        Assert.All([first, second], d => Assert.InRange(d, TimeSpan.Zero, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Connect_on_503_is_retried()
    {
        using var handler = new ScriptedHandler()
            .ThenRespond(HttpStatusCode.ServiceUnavailable, "{}")
            .ThenRespond(HttpStatusCode.OK, ConnectOk);
        using var host = new GraphClientHost("http://127.0.0.1:9/", handler);

        var call = Connect(host);
        host.Time.Advance(await host.Time.WaitForArmedAsync(IsRetryDelay));

        Assert.Equal("wacid.ok", await call.Within());
        Assert.Equal(2, handler.Count);
    }

    [Theory]
    [InlineData(HttpRequestError.ConnectionError)]
    [InlineData(HttpRequestError.Unknown)]
    public async Task Connection_refused_on_connect_is_retried(HttpRequestError error)
    {
        using var handler = new ScriptedHandler()
            .ThenThrow(() => new HttpRequestException(error, "Connection refused (127.0.0.1:443)", new SocketException((int)SocketError.ConnectionRefused)))
            .ThenRespond(HttpStatusCode.OK, ConnectOk);
        using var host = new GraphClientHost("http://127.0.0.1:9/", handler);

        var call = Connect(host);
        host.Time.Advance(await host.Time.WaitForArmedAsync(IsRetryDelay));

        Assert.Equal("wacid.ok", await call.Within());
        Assert.Equal(2, handler.Count);
    }

    [Fact]
    public async Task A_connection_lost_after_sending_a_connect_is_not_retried()
    {
        using var handler = new ScriptedHandler()
            .ThenThrow(() => new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely."))
            .ThenRespond(HttpStatusCode.OK, ConnectOk);
        using var host = new GraphClientHost("http://127.0.0.1:9/", handler);

        var ex = await Assert.ThrowsAsync<WhatsAppTransportException>(() => Connect(host).Within());

        Assert.Equal(WhatsAppTransportFailure.RequestFailed, ex.Failure);
        Assert.True(ex.RequestMayHaveReachedMeta);
        Assert.IsType<HttpRequestException>(ex.InnerException);
        Assert.Equal(1, handler.Count);
    }

    [Fact]
    public async Task Connect_to_a_closed_127_0_0_1_port_is_retried_and_reaches_the_server_once_it_listens()
    {
        var port = ClosedLoopbackPort();
        var counter = new CountingHandler();
        using var host = new GraphClientHost($"http://127.0.0.1:{port}/", innerHandler: counter);

        var call = Connect(host);
        var delay = await host.Time.WaitForArmedAsync(IsRetryDelay); // first attempt was refused
        Assert.Equal(1, counter.Attempts);

        await using var server = await GraphStubServer.StartAsync(port);
        server.ResponseJson = ConnectOk;
        host.Time.Advance(delay);

        Assert.Equal("wacid.ok", await call.Within());
        Assert.Equal(2, counter.Attempts);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Connect_that_never_connects_fails_as_ConnectionFailed_after_all_attempts()
    {
        var port = ClosedLoopbackPort();
        var counter = new CountingHandler();
        using var host = new GraphClientHost($"http://127.0.0.1:{port}/", innerHandler: counter, configure: o => o.MaxRetryAttempts = 1);

        var call = Connect(host);
        host.Time.Advance(await host.Time.WaitForArmedAsync(IsRetryDelay));

        var ex = await Assert.ThrowsAsync<WhatsAppTransportException>(() => call.Within());
        Assert.Equal(WhatsAppTransportFailure.ConnectionFailed, ex.Failure);
        Assert.False(ex.RequestMayHaveReachedMeta);
        Assert.True(ex.IsRetryable);
        Assert.Equal(2, counter.Attempts);
    }

    [Fact]
    public async Task The_circuit_opens_after_sustained_failures_and_closes_after_the_break()
    {
        using var handler = new ScriptedHandler()
            .ThenRespond(HttpStatusCode.InternalServerError, "{}")
            .ThenRespond(HttpStatusCode.InternalServerError, "{}")
            .ThenRespond(HttpStatusCode.InternalServerError, "{}")
            .ThenRespond(HttpStatusCode.OK, SuccessOk);
        using var host = new GraphClientHost("http://127.0.0.1:9/", handler, o =>
        {
            o.MaxRetryAttempts = 0;
            o.CircuitBreakerFailureRatio = 1.0;
            o.CircuitBreakerMinimumThroughput = 3;
            o.CircuitBreakerBreakDuration = TimeSpan.FromSeconds(15);
        });

        for (var i = 0; i < 3; i++)
        {
            await Assert.ThrowsAsync<WhatsAppApiException>(() => Terminate(host).Within());
        }

        var open = await Assert.ThrowsAsync<WhatsAppTransportException>(() => Terminate(host).Within());
        Assert.Equal(WhatsAppTransportFailure.CircuitOpen, open.Failure);
        Assert.False(open.RequestMayHaveReachedMeta);
        Assert.Equal(3, handler.Count);

        host.Time.Advance(TimeSpan.FromSeconds(15));
        await Terminate(host).Within();
        Assert.Equal(4, handler.Count);
    }

    [Fact]
    public async Task Rate_limits_do_not_open_the_circuit()
    {
        using var handler = new ScriptedHandler().ThenRespond(HttpStatusCode.TooManyRequests, """{"error":{"code":138005}}""");
        using var host = new GraphClientHost("http://127.0.0.1:9/", handler, o =>
        {
            o.MaxRetryAttempts = 0;
            o.CircuitBreakerFailureRatio = 1.0;
            o.CircuitBreakerMinimumThroughput = 2;
        });

        for (var i = 0; i < 4; i++)
        {
            var ex = await Assert.ThrowsAsync<WhatsAppApiException>(() => Terminate(host).Within());
            Assert.Equal(WhatsAppErrorKind.CallRateLimit, ex.Kind);
        }

        Assert.Equal(4, handler.Count);
    }

    [Fact]
    public async Task The_overall_timeout_ends_a_retry_wait_that_would_outlast_it()
    {
        using var handler = new ScriptedHandler()
            .ThenRespond(HttpStatusCode.ServiceUnavailable, "{}", r => r.Headers.Add("Retry-After", "20"))
            .ThenRespond(HttpStatusCode.OK, SuccessOk);
        using var host = new GraphClientHost("http://127.0.0.1:9/", handler, o => o.TotalRequestTimeout = TimeSpan.FromSeconds(15));

        var terminate = Terminate(host);
        await host.Time.WaitForArmedAsync(TimeSpan.FromSeconds(20));
        host.Time.Advance(TimeSpan.FromSeconds(15));

        var ex = await Assert.ThrowsAsync<WhatsAppTransportException>(() => terminate.Within());
        Assert.Equal(WhatsAppTransportFailure.Timeout, ex.Failure);
        Assert.Equal(1, handler.Count);
    }

    [Fact]
    public async Task Caller_cancellation_is_not_wrapped()
    {
        using var handler = new ScriptedHandler().ThenHang();
        using var host = new GraphClientHost("http://127.0.0.1:9/", handler);
        using var cts = new CancellationTokenSource();

        var call = Connect(host, cts.Token);
        await handler.WaitForRequestsAsync(1);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.Within());
        Assert.Equal(1, handler.Count);
    }

    private static int ClosedLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
