using System.Net.WebSockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Serverless.MediaNode.Telemetry;
using Serverless.Shared.AudioPlans;
using Serverless.Shared.Media;
using Serverless.WebRtc.Media;

namespace Serverless.MediaNode.Audio.Streaming;

/// <summary>
/// One <c>stream</c> step: the node opens a WebSocket to the agent (as the client) and carries the call's audio both
/// ways in the step's dialect. The caller's Opus packets (receive thread) are copied into a queue; one sender task
/// decodes them, converts them to the dialect's rate and sends them with DTMF and mark confirmations in order. The
/// agent's audio is cut into 20 ms frames, converted to 48 kHz and Opus-encoded as it arrives; the pacer plays one
/// frame per tick through <see cref="TryReadFrame"/>, confirms each mark when the audio before it has been handed to
/// the pacer, and a <c>clear</c> empties what is queued, so the next tick already sends silence.
/// </summary>
internal sealed partial class AgentStream : IAudioSource, IDisposable
{
    /// <summary>Caller packets waiting for the sender (1 s); older ones are dropped when the agent is slower.</summary>
    public const int MaxPendingCallerFrames = 50;

    /// <summary>Agent audio queued for playing (60 s); more is dropped and counted.</summary>
    public const int MaxQueuedFrames = 3_000;

    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    private readonly string _callId;
    private readonly StreamStep _step;
    private readonly AgentProtocol _protocol;
    private readonly OpusEncoderFactory _codecs;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly StreamUrlPolicy _urls;
    private readonly StreamCredentials _credentials;

    private readonly Channel<Outgoing> _out = Channel.CreateUnbounded<Outgoing>(new UnboundedChannelOptions { SingleReader = true });
    private int _pendingCaller;
    private volatile bool _active;

    // Playout side, under _gate: the partial frame being filled, marks waiting for it, and the queue the pacer reads.
    private readonly Lock _gate = new();
    private readonly short[] _partial;
    private int _partialCount;
    private readonly List<string> _partialMarks = [];
    private readonly Queue<Queued> _queue = new();
    private int _queuedFrames;
    private readonly StreamingResampler _up;
    private readonly short[] _wide = new short[OpusCodec.FrameSamples];
    private readonly OpusFrameEncoder _encoder;
    private readonly byte[] _encoded = new byte[OpusCodec.MaxPacketBytes];

    private readonly StreamLatency _uplink = StreamLatency.ForUplink();
    private readonly StreamLatency _downlink = StreamLatency.ForDownlink();
    private long _partialReceivedAt = -1;

    private int _messagesHandled;
    private long _framesSent;
    private long _framesPlayed;
    private long _framesDropped;
    private int _marksConfirmed;
    private int _clears;

    public AgentStream(string callId, StreamStep step, OpusEncoderFactory codecs, StreamUrlPolicy urls, TimeProvider time, ILogger log, StreamCredentials? credentials = null)
    {
        _credentials = credentials ?? StreamCredentials.None;
        _callId = callId;
        _step = step;
        _protocol = AgentProtocol.For(step, callId, Guid.NewGuid().ToString("N"));
        _codecs = codecs;
        _time = time;
        _log = log;
        _urls = urls;
        _partial = new short[_protocol.FrameSamples];
        _up = new StreamingResampler(_protocol.SampleRate, OpusCodec.SampleRate);
        _encoder = codecs.CreateEncoder(codecs.Options.Complexity, _protocol.SampleRate); // no wider than the agent's audio
    }

    /// <summary>Agent messages handled so far (tests wait on it to know what is queued).</summary>
    internal int MessagesHandled => Volatile.Read(ref _messagesHandled);

    /// <summary>Caller packet received to its frame sent to the agent (one per frame sent, concealed ones aside).</summary>
    internal StreamLatency UplinkLatency => _uplink;

    /// <summary>Agent message received to its frame taken by the pacer, less 20 ms per frame that was queued ahead of it.</summary>
    internal StreamLatency DownlinkLatency => _downlink;

    /// <summary>The dialect spoken.</summary>
    public AgentProtocol Protocol => _protocol;

    /// <summary>Receive thread: a caller packet (copied; dropped while not connected or when the agent lags a second behind).</summary>
    public void OfferCallerPacket(ReadOnlySpan<byte> payload, uint rtpTimestamp)
    {
        if (!_active || payload.Length is 0 or > OpusCodec.MaxPacketBytes)
        {
            return;
        }

        if (Interlocked.Increment(ref _pendingCaller) > MaxPendingCallerFrames)
        {
            Interlocked.Decrement(ref _pendingCaller);
            return;
        }

        _out.Writer.TryWrite(new Outgoing(OutgoingKind.Caller, payload.ToArray(), rtpTimestamp, null, default, _time.GetTimestamp()));
    }

    /// <summary>A DTMF digit from the caller, forwarded while connected.</summary>
    public void OfferDigit(char digit)
    {
        if (_active)
        {
            _out.Writer.TryWrite(new Outgoing(OutgoingKind.Digit, null, 0, digit.ToString(), default));
        }
    }

    /// <summary>
    /// Connects, streams until the agent closes, the step's timeout passes or <paramref name="callEnded"/> fires, and
    /// returns how it ended. Agent audio plays through <paramref name="play"/> (started with this source once connected).
    /// </summary>
    public async Task<StreamResult> RunAsync(Func<IAudioSource, CancellationToken, Task> play, CancellationToken callEnded)
    {
        ArgumentNullException.ThrowIfNull(play);
        var startedAt = _time.GetUtcNow();
        using var socket = new ClientWebSocket();
        if (_step.Token is { } token)
        {
            socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        }

        foreach (var (name, value) in _step.Headers)
        {
            socket.Options.SetRequestHeader(name, value);
        }

        socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(20);
        var host = _step.Url.GetLeftPart(UriPartial.Path); // no query: it may carry a key
        try
        {
            using var connectTimeout = new CancellationTokenSource(AudioPlanLimits.StreamConnectTimeout, _time);
            using var connecting = CancellationTokenSource.CreateLinkedTokenSource(callEnded, connectTimeout.Token);
            // The node's own key (Entra ID token or Key Vault secret), obtained within the connect timeout.
            if (await _credentials.GetHeaderAsync(_step, connecting.Token) is { } credential)
            {
                socket.Options.SetRequestHeader(credential.Key, credential.Value);
            }

            // Through the policy's handler: the name is resolved once and connected only if every address is allowed.
            using var invoker = new HttpMessageInvoker(_urls.CreateHandler());
            await socket.ConnectAsync(_step.Url, invoker, connecting.Token);
        }
        catch (StreamCredentialException e)
        {
            var outcome = callEnded.IsCancellationRequested ? StreamOutcome.CallEnded : StreamOutcome.ConnectFailed;
            StreamLog.ConnectFailed(_log, _callId, _protocol.Name, host, e.Message);
            return Result(outcome, e.Message, startedAt);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or HttpRequestException or IOException)
        {
            var outcome = callEnded.IsCancellationRequested ? StreamOutcome.CallEnded : StreamOutcome.ConnectFailed;
            var why = e is OperationCanceledException ? "the agent did not answer in time" : ConnectError(e);
            StreamLog.ConnectFailed(_log, _callId, _protocol.Name, host, why);
            return Result(outcome, why, startedAt);
        }

        StreamLog.Connected(_log, _callId, _protocol.Name, host);
        using var stepTimeout = new CancellationTokenSource(_step.Timeout, _time);
        using var running = CancellationTokenSource.CreateLinkedTokenSource(callEnded, stepTimeout.Token);
        using var stopPlaying = new CancellationTokenSource();
        _active = true;
        var sender = SendLoopAsync(socket);
        var receiver = ReceiveLoopAsync(socket);
        var playing = play(this, stopPlaying.Token);
        StreamOutcome ended;
        string? detail;
        try
        {
            (ended, detail) = await receiver.WaitAsync(running.Token);
        }
        catch (OperationCanceledException)
        {
            (ended, detail) = callEnded.IsCancellationRequested ? (StreamOutcome.CallEnded, null) : (StreamOutcome.Timeout, (string?)null);
        }

        _active = false;
        _out.Writer.TryComplete();
        if (ended is StreamOutcome.Timeout or StreamOutcome.CallEnded)
        {
            // Say goodbye in the dialect, then close; the agent's close reply ends the receiver.
            await sender.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await TrySendAsync(socket, _protocol.Stop());
            try
            {
                using var closing = new CancellationTokenSource(CloseTimeout, _time);
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, ended == StreamOutcome.Timeout ? "timeout" : "call ended", closing.Token);
                await receiver.WaitAsync(CloseTimeout, _time, CancellationToken.None);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or TimeoutException or ObjectDisposedException)
            {
                socket.Abort();
            }
        }
        else
        {
            socket.Abort();
        }

        await stopPlaying.CancelAsync();
        await playing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await sender.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await ((Task)receiver).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var result = Result(ended, detail, startedAt);
        StreamLog.Ended(_log, _callId, _protocol.Name, ended, result.FramesSent, result.FramesPlayed, result.MarksConfirmed, result.Clears, _framesDropped);
        if (_log.IsEnabled(LogLevel.Information))
        {
            var (up50, up99, down50, down99) = (_uplink.Percentile(0.5), _uplink.Percentile(0.99), _downlink.Percentile(0.5), _downlink.Percentile(0.99));
            StreamLog.Latency(_log, _callId, _protocol.Name, _uplink.Count, up50, up99, _downlink.Count, down50, down99);
        }
        return result;
    }

    private StreamResult Result(StreamOutcome outcome, string? detail, DateTimeOffset startedAt) => new()
    {
        Name = _step.Name,
        Dialect = _protocol.Name,
        Outcome = outcome,
        Detail = detail,
        FramesSent = Interlocked.Read(ref _framesSent),
        FramesPlayed = Interlocked.Read(ref _framesPlayed),
        MarksConfirmed = Volatile.Read(ref _marksConfirmed),
        Clears = Volatile.Read(ref _clears),
        StartedAt = startedAt,
        EndedAt = _time.GetUtcNow(),
    };

    // Names the failure without the URL (its query may hold a key): the HTTP status of a refused upgrade, or the socket error.
    private static string ConnectError(Exception e) => Refusal(e) ?? e switch
    {
        WebSocketException { InnerException: HttpRequestException { HttpRequestError: var error } } => $"the connection failed ({error})",
        WebSocketException ws when ws.WebSocketErrorCode == WebSocketError.NotAWebSocket => "the agent did not accept the WebSocket upgrade",
        WebSocketException ws => $"the WebSocket handshake failed ({ws.WebSocketErrorCode})",
        HttpRequestException http => $"the connection failed ({http.HttpRequestError})",
        _ => "the connection failed",
    };

    private static string? Refusal(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is StreamUrlRefusedException refused)
            {
                return refused.Message;
            }
        }

        return null;
    }

    private async Task SendLoopAsync(ClientWebSocket socket)
    {
        using var decoder = _codecs.CreateDecoder();
        using var down = new StreamingResampler(OpusCodec.SampleRate, _protocol.SampleRate);
        var narrow = new short[down.MaxOutputSamples(OpusCodec.FrameSamples)];
        var pcm = new short[OpusCodec.FrameSamples];
        long firstTimestamp = -1;
        uint lastTimestamp = 0;
        try
        {
            foreach (var frame in _protocol.Opening())
            {
                await SendAsync(socket, frame);
            }

            await foreach (var item in _out.Reader.ReadAllAsync())
            {
                switch (item.Kind)
                {
                    case OutgoingKind.Caller:
                        Interlocked.Decrement(ref _pendingCaller);
                        var timestamp = item.Timestamp;
                        if (firstTimestamp >= 0)
                        {
                            var step = unchecked((int)(timestamp - lastTimestamp));
                            if (step <= 0)
                            {
                                break; // late or duplicate
                            }

                            // A few lost frames are concealed so the agent's clock keeps up; a longer gap is a jump.
                            for (var missing = step / OpusCodec.FrameSamples - 1; missing is > 0 and <= 5; missing--)
                            {
                                decoder.Conceal(pcm);
                                await SendCallerAsync(socket, down, pcm, narrow, (uint)(timestamp - (missing * OpusCodec.FrameSamples)), firstTimestamp);
                            }
                        }
                        else
                        {
                            firstTimestamp = timestamp;
                        }

                        lastTimestamp = timestamp;
                        decoder.Decode(item.Data, pcm);
                        await SendCallerAsync(socket, down, pcm, narrow, timestamp, firstTimestamp);
                        _uplink.Record(_time.GetElapsedTime(item.ReceivedAt));
                        break;
                    case OutgoingKind.Digit:
                        await SendAsync(socket, _protocol.Dtmf(item.Text![0]));
                        break;
                    case OutgoingKind.Mark:
                        await SendAsync(socket, _protocol.MarkPlayed(item.Text!));
                        Interlocked.Increment(ref _marksConfirmed);
                        break;
                    case OutgoingKind.Control:
                        await SendAsync(socket, new AgentFrame(item.Data, Binary: false));
                        break;
                    case OutgoingKind.Outbound:
                        await SendAsync(socket, _protocol.Media(item.Pcm.Span, item.Timestamp, outbound: true));
                        break;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The socket closed under us; the receiver reports how.
        }
    }

    private async Task SendCallerAsync(ClientWebSocket socket, StreamingResampler down, short[] pcm, short[] narrow, uint timestamp, long firstTimestamp)
    {
        // An exact ratio (48 kHz to 8/16/24 kHz): the Speex filter gives one whole agent frame per 20 ms.
        var written = down.Process(pcm, narrow);
        var mediaMs = unchecked(timestamp - (uint)firstTimestamp) / (OpusCodec.SampleRate / 1000);
        await SendAsync(socket, _protocol.Media(narrow.AsSpan(0, Math.Min(written, _protocol.FrameSamples)), mediaMs, outbound: false));
        Interlocked.Increment(ref _framesSent);
    }

    private static Task SendAsync(ClientWebSocket socket, AgentFrame? frame) => frame is { } message
        ? socket.SendAsync(message.Bytes, message.Binary ? WebSocketMessageType.Binary : WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).AsTask()
        : Task.CompletedTask; // the dialect has no such message

    private static async Task TrySendAsync(ClientWebSocket socket, AgentFrame? frame)
    {
        try
        {
            if (frame is not null && socket.State == WebSocketState.Open)
            {
                await SendAsync(socket, frame);
            }
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException)
        {
            // Closed meanwhile.
        }
    }

    // Never cancelled: cancelling a receive aborts a ClientWebSocket, and the close handshake needs it running.
    private async Task<(StreamOutcome, string?)> ReceiveLoopAsync(ClientWebSocket socket)
    {
        var buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        try
        {
            while (true)
            {
                message.SetLength(0);
                ValueWebSocketReceiveResult received;
                do
                {
                    received = await socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                    if (received.MessageType == WebSocketMessageType.Close)
                    {
                        if (socket.State == WebSocketState.CloseReceived)
                        {
                            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                        }

                        return (StreamOutcome.AgentClosed, socket.CloseStatus is { } status ? $"closed with {(int)status}" : null);
                    }

                    if (message.Length + received.Count > AgentProtocol.MaxMessageBytes)
                    {
                        return (StreamOutcome.ProtocolError, $"a message longer than {AgentProtocol.MaxMessageBytes} bytes");
                    }

                    message.Write(buffer, 0, received.Count);
                }
                while (!received.EndOfMessage);

                var receivedAt = _time.GetTimestamp();
                switch (_protocol.Parse(message.GetBuffer().AsSpan(0, (int)message.Length), received.MessageType == WebSocketMessageType.Binary))
                {
                    case AgentMessage.Media media:
                        Play(media.Pcm, receivedAt);
                        break;
                    case AgentMessage.Mark mark:
                        AddMark(mark.Name);
                        break;
                    case AgentMessage.Clear:
                        Clear();
                        break;
                    case AgentMessage.Interrupt:
                        // Dropped first, then the agent hears how much was played (the truncation follows the audio sent so far).
                        if (_protocol.Truncate(Clear()) is { } truncate)
                        {
                            _out.Writer.TryWrite(new Outgoing(OutgoingKind.Control, truncate.Bytes.ToArray(), 0, null, default));
                        }

                        break;
                    case AgentMessage.Warning warning:
                        StreamLog.AgentWarning(_log, _callId, _protocol.Name, warning.Reason);
                        break;
                    case AgentMessage.Invalid invalid:
                        StreamLog.Invalid(_log, _callId, _protocol.Name, invalid.Reason);
                        return (StreamOutcome.ProtocolError, invalid.Reason);
                }

                Interlocked.Increment(ref _messagesHandled);
            }
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            return (socket.State == WebSocketState.Aborted ? StreamOutcome.ProtocolError : StreamOutcome.AgentClosed, "the connection broke");
        }
    }
}

/// <summary>Stream step logs: the agent's URL without its query, never headers or tokens.</summary>
internal static partial class StreamLog
{
    [LoggerMessage(EventId = 6201, Level = LogLevel.Information, Message = "Call {CallId}: {Dialect} stream connected to {Url}")]
    public static partial void Connected(ILogger logger, string callId, string dialect, string url);

    [LoggerMessage(EventId = 6202, Level = LogLevel.Warning, Message = "Call {CallId}: {Dialect} stream could not connect to {Url}: {Detail}")]
    public static partial void ConnectFailed(ILogger logger, string callId, string dialect, string url, string detail);

    [LoggerMessage(EventId = 6203, Level = LogLevel.Warning, Message = "Call {CallId}: {Dialect} agent sent an invalid message: {Reason}")]
    public static partial void Invalid(ILogger logger, string callId, string dialect, string reason);

    [LoggerMessage(EventId = 6205, Level = LogLevel.Warning, Message = "Call {CallId}: {Dialect} agent reported an error: {Reason}")]
    public static partial void AgentWarning(ILogger logger, string callId, string dialect, string reason);

    [LoggerMessage(EventId = 6206, Level = LogLevel.Information,
        Message = "Call {CallId}: {Dialect} stream latency: caller to agent {UpCount} frames, p50 {UpP50} ms, p99 {UpP99} ms; agent to caller {DownCount} frames, p50 {DownP50} ms, p99 {DownP99} ms")]
    public static partial void Latency(ILogger logger, string callId, string dialect, long upCount, double upP50, double upP99, long downCount, double downP50, double downP99);

    [LoggerMessage(EventId = 6204, Level = LogLevel.Information,
        Message = "Call {CallId}: {Dialect} stream ended ({Outcome}): {Sent} frames sent, {Played} played, {Marks} marks, {Clears} clears, {Dropped} dropped")]
    public static partial void Ended(ILogger logger, string callId, string dialect, StreamOutcome outcome, long sent, long played, int marks, int clears, long dropped);
}
