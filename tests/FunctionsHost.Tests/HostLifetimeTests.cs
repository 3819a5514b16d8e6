using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Serverless.Testing.FunctionsHost.Tests;

public sealed class HostLifetimeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task RunAsync_serves_until_cancelled_then_stops_listening()
    {
        using var stop = new CancellationTokenSource();
        var started = new TaskCompletionSource<FunctionsTestHost>(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = TestHosts.Options(hostJsonPath: null);

        var running = FunctionsTestHost.RunAsync(options, stop.Token, host => started.SetResult(host));
        var host = await started.Task.WaitAsync(Timeout);
        var address = host.BaseAddress;
        using (var client = new HttpClient { BaseAddress = address })
        using (var response = await client.GetAsync(new Uri("api/Ping?name=you", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await stop.CancelAsync();
        await running.WaitAsync(Timeout);

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var refused = await Assert.ThrowsAsync<SocketException>(() => socket.ConnectAsync(IPAddress.Loopback, address.Port).WaitAsync(Timeout));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    [Fact]
    public async Task Given_port_is_used()
    {
        var port = FreePort();
        await using var host = await FunctionsTestHost.StartAsync(TestHosts.Options(hostJsonPath: null, port: port));

        Assert.Equal(new Uri($"http://127.0.0.1:{port}/"), host.BaseAddress);
    }

    // The host's request limit is 100 MB; a declared larger body is refused with 413 before any function runs.
    [Fact]
    public async Task Declared_body_over_the_host_limit_is_413()
    {
        await using var host = await TestHosts.StartAsync(hostJsonPath: null);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, host.BaseAddress.Port).WaitAsync(Timeout);
        var stream = tcp.GetStream();
        var request = $"POST /api/calls HTTP/1.1\r\nHost: 127.0.0.1\r\nx-functions-key: {TestHosts.HostKey}\r\n"
            + $"Content-Type: application/json\r\nContent-Length: {FunctionsTestHost.MaxRequestBodyBytes + 1}\r\n\r\n{{}}";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request)).AsTask().WaitAsync(Timeout);

        using var reader = new StreamReader(stream, Encoding.ASCII);
        var statusLine = await reader.ReadLineAsync().WaitAsync(Timeout);

        Assert.Equal("HTTP/1.1 413 Payload Too Large", statusLine);
        var log = (Samples.InvocationLog)host.Services.GetService(typeof(Samples.InvocationLog))!;
        Assert.DoesNotContain("CreateCall", log.Entries);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task Dispose_is_idempotent_and_timers_refuse_afterwards()
    {
        var host = await TestHosts.StartAsync(hostJsonPath: null);

        await host.DisposeAsync();
        await host.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => host.RunTimerAsync("Sweep"));
    }
}
