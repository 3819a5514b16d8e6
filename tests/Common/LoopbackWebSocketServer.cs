using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;

namespace Serverless.Testing;

/// <summary>
/// A WebSocket server on a free loopback port (HttpListener at <c>/agent/</c>) that hands each accepted socket to a
/// handler: the agent end of the stream-step tests (MediaNode.Tests' <c>TestAgentServer</c>) and of the streamed-calls
/// benchmark's echo agent. One source file, linked into each project that needs it (see their .csproj).
/// </summary>
internal sealed class LoopbackWebSocketServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<HttpListenerContext, WebSocket, Task> _serve;
    private readonly ConcurrentBag<Task> _connections = [];
    private readonly Task _accept;
    private int _disposed;

    private LoopbackWebSocketServer(int port, bool anyHostName, Func<HttpListenerContext, WebSocket, Task> serve)
    {
        _serve = serve;
        Url = new Uri($"ws://127.0.0.1:{port}/agent/");
        // Any host name: a test that connects by a name (resolved by its own resolver) sends that name as Host.
        _listener.Prefixes.Add(anyHostName ? $"http://*:{port}/agent/" : $"http://127.0.0.1:{port}/agent/");
        _listener.Start();
        _accept = AcceptAsync();
    }

    public Uri Url { get; }

    /// <summary>Listens on a free port; <paramref name="serve"/> runs once per connection, for as long as it wants the socket.</summary>
    public static LoopbackWebSocketServer Start(Func<HttpListenerContext, WebSocket, Task> serve, bool anyHostName = false)
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new LoopbackWebSocketServer(port, anyHostName, serve);
    }

    /// <summary>
    /// Reads one whole message into <paramref name="buffer"/>; null when the peer closed (the close is answered).
    /// </summary>
    public static async Task<(WebSocketMessageType Type, int Count)?> ReceiveMessageAsync(WebSocket socket, byte[] buffer)
    {
        var count = 0;
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(new ArraySegment<byte>(buffer, count, buffer.Length - count), CancellationToken.None);
            count += result.Count;
        }
        while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

        if (result.MessageType == WebSocketMessageType.Close)
        {
            if (socket.State == WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            }

            return null;
        }

        return (result.MessageType, count);
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var context = await _listener.GetContextAsync();
                _connections.Add(ServeAsync(context));
            }
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
        {
            // Stopped.
        }
    }

    private async Task ServeAsync(HttpListenerContext context)
    {
        try
        {
            using var socket = (await context.AcceptWebSocketAsync(subProtocol: null)).WebSocket;
            await _serve(context, socket);
        }
        catch (Exception e) when (e is WebSocketException or HttpListenerException or ObjectDisposedException or InvalidOperationException)
        {
            // The node aborted, or the test or run ended.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _listener.Stop();
        _listener.Close();
        await _accept.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await Task.WhenAll(_connections).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }
}
