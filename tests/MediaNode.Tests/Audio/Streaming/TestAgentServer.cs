using System.Collections.Specialized;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Serverless.MediaNode.Tests.Audio.Streaming;

/// <summary>A WebSocket agent on loopback (HttpListener) that records what the node sends and lets a test answer.</summary>
internal sealed class TestAgentServer : IAsyncDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private readonly HttpListener _listener = new();
    private readonly TaskCompletionSource<WebSocket> _socket = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Channel<(bool Binary, byte[] Data)> _received = Channel.CreateUnbounded<(bool, byte[])>();
    private readonly Task _accept;
    private int _disposed;

    private TestAgentServer(int port, bool anyHostName)
    {
        Url = new Uri($"ws://127.0.0.1:{port}/agent/");
        // Any host name: a test that connects by a name (resolved by its own resolver) sends that name as Host.
        _listener.Prefixes.Add(anyHostName ? $"http://*:{port}/agent/" : $"http://127.0.0.1:{port}/agent/");
        _listener.Start();
        _accept = AcceptAsync();
    }

    public Uri Url { get; }

    public NameValueCollection? RequestHeaders { get; private set; }

    /// <summary>Completes when the node closed its side (or the connection broke).</summary>
    public TaskCompletionSource Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static TestAgentServer Start(bool anyHostName = false)
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new TestAgentServer(port, anyHostName);
    }

    /// <summary>The next message from the node.</summary>
    public async Task<(bool Binary, byte[] Data)> NextAsync() => await _received.Reader.ReadAsync().AsTask().WaitAsync(Wait);

    /// <summary>The next text message, parsed.</summary>
    public async Task<JsonElement> NextJsonAsync()
    {
        var (binary, data) = await NextAsync();
        Assert.False(binary, "expected a JSON text message");
        return JsonDocument.Parse(data).RootElement.Clone();
    }

    /// <summary>Skips messages until one with <paramref name="eventName"/>.</summary>
    public async Task<JsonElement> NextEventAsync(string eventName)
    {
        while (true)
        {
            var (binary, data) = await NextAsync();
            if (!binary && JsonDocument.Parse(data).RootElement is var root && root.GetProperty("event").GetString() == eventName)
            {
                return root.Clone();
            }
        }
    }

    public async Task SendTextAsync(string json) =>
        await (await _socket.Task.WaitAsync(Wait)).SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, CancellationToken.None);

    public async Task SendBinaryAsync(byte[] data) =>
        await (await _socket.Task.WaitAsync(Wait)).SendAsync(data, WebSocketMessageType.Binary, true, CancellationToken.None);

    public async Task CloseAsync()
    {
        var socket = await _socket.Task.WaitAsync(Wait);
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
    }

    private async Task AcceptAsync()
    {
        try
        {
            var context = await _listener.GetContextAsync();
            RequestHeaders = context.Request.Headers;
            var socket = (await context.AcceptWebSocketAsync(subProtocol: null)).WebSocket;
            _socket.SetResult(socket);
            var buffer = new byte[1 << 20];
            while (true)
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

                    break;
                }

                _received.Writer.TryWrite((result.MessageType == WebSocketMessageType.Binary, buffer.AsSpan(0, count).ToArray()));
            }
        }
        catch (Exception e) when (e is WebSocketException or HttpListenerException or ObjectDisposedException or InvalidOperationException)
        {
            // The node aborted, or the test ended.
        }
        finally
        {
            Closed.TrySetResult();
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
    }
}
