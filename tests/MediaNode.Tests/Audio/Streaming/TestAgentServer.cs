using System.Collections.Specialized;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Serverless.Testing;

namespace Serverless.MediaNode.Tests.Audio.Streaming;

/// <summary>A WebSocket agent on loopback (the shared <see cref="LoopbackWebSocketServer"/>) that records what the node sends and lets a test answer.</summary>
internal sealed class TestAgentServer : IAsyncDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private readonly TaskCompletionSource<WebSocket> _socket = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Channel<(bool Binary, byte[] Data)> _received = Channel.CreateUnbounded<(bool, byte[])>();
    private readonly LoopbackWebSocketServer _server;
    private int _claimed;

    private TestAgentServer(bool anyHostName)
    {
        _server = LoopbackWebSocketServer.Start(ServeAsync, anyHostName);
    }

    public Uri Url => _server.Url;

    public NameValueCollection? RequestHeaders { get; private set; }

    /// <summary>Completes when the node closed its side (or the connection broke).</summary>
    public TaskCompletionSource Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static TestAgentServer Start(bool anyHostName = false) => new(anyHostName);

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

    // The first connection is the node's; it is recorded until the node closes it.
    private async Task ServeAsync(HttpListenerContext context, WebSocket socket)
    {
        if (Interlocked.Exchange(ref _claimed, 1) != 0)
        {
            return;
        }

        RequestHeaders = context.Request.Headers;
        _socket.SetResult(socket);
        try
        {
            var buffer = new byte[1 << 20];
            while (await LoopbackWebSocketServer.ReceiveMessageAsync(socket, buffer) is var (type, count))
            {
                _received.Writer.TryWrite((type == WebSocketMessageType.Binary, buffer.AsSpan(0, count).ToArray()));
            }
        }
        finally
        {
            Closed.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        Closed.TrySetResult();
    }
}
