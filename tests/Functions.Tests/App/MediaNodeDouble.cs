using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Serverless.Shared.Media;
using Serverless.Shared.Transport;

namespace Serverless.Functions.Tests.App;

/// <summary>What the scripted node does with a StartInbound.</summary>
internal enum InboundScript
{
    /// <summary>AnswerReady, then MediaConnected.</summary>
    Answer,

    /// <summary>MediaFailed{Capacity}.</summary>
    NoCapacity,
}

/// <summary>What the scripted node does with a StartOutbound.</summary>
internal enum OutboundScript
{
    /// <summary>OfferReady.</summary>
    Offer,

    /// <summary>Nothing: a node that took the call and went silent.</summary>
    Silent,
}

/// <summary>
/// A MediaNode stand-in behind the real in-memory transport: it answers each command with the events a real node
/// sends, POSTed signed to the real /api/media/events endpoint, and records commands and acknowledged events.
/// </summary>
internal sealed class MediaNodeDouble(HttpClient functions, MediaEventSigner signer, TimeProvider time, string nodeId) : ICommandHandler
{
    public const string OfferSdp =
        "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n" +
        "m=audio 40000 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 127.0.0.1\r\na=mid:0\r\na=ice-ufrag:node\r\na=ice-pwd:nodepasswordnodepassword\r\n" +
        "a=fingerprint:sha-256 AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99\r\n" +
        "a=setup:actpass\r\na=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\na=candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host\r\n";

    public const string AnswerSdp =
        "v=0\r\no=- 4611731400430051337 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n" +
        "m=audio 40000 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 127.0.0.1\r\na=mid:0\r\na=ice-ufrag:node\r\na=ice-pwd:nodepasswordnodepassword\r\n" +
        "a=fingerprint:sha-256 AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99\r\n" +
        "a=setup:passive\r\na=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\na=candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host\r\n";

    public static readonly MediaStats FinalStats = new()
    {
        DurationSeconds = 42,
        PacketsLost = 12,
        PacketsSent = 2100,
        PacketsReceived = 2000,
        BytesSent = 168_000,
        BytesReceived = 160_000,
        JitterMs = 3.5,
        RoundTripMs = 40,
        Transport = new MediaTransport
        {
            LocalCandidateType = "host", RemoteCandidateType = "srflx", IceMs = 35.5, DtlsMs = 61.25,
            DtlsVersion = "DTLS 1.2", DtlsCipherSuite = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        },
    };

    private readonly ConcurrentQueue<MediaCommand> _commands = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<string>> _acked = new(StringComparer.Ordinal);

    public string NodeId { get; } = nodeId;

    public InboundScript Inbound { get; set; } = InboundScript.Answer;

    public OutboundScript Outbound { get; set; } = OutboundScript.Offer;

    /// <summary>The recording the node reports with a call's MediaEnded (none when null or it yields null).</summary>
    public Func<string, RecordingInfo?>? RecordingFor { get; set; }

    public IReadOnlyList<MediaCommand> Commands => [.. _commands];

    public IReadOnlyList<MediaCommand> CommandsFor(string callId) => [.. _commands.Where(c => c.CallId == callId)];

    /// <summary>Completes when the Functions acknowledged an event of this type (for any call); yields its call id.</summary>
    public Task<string> Acked<TEvent>()
        where TEvent : MediaEvent => Signal(typeof(TEvent).Name).Task;

    /// <summary>Completes when the Functions acknowledged an event of this type for <paramref name="callId"/>.</summary>
    public Task<string> Acked<TEvent>(string callId)
        where TEvent : MediaEvent => Signal(typeof(TEvent).Name + "|" + callId).Task;

    /// <summary>Completes when the node was handed a command of this type (for any call); yields its call id.</summary>
    public Task<string> Received<TCommand>()
        where TCommand : MediaCommand => Signal("command:" + typeof(TCommand).Name).Task;

    public async Task HandleAsync(MediaCommand command, CancellationToken cancellationToken)
    {
        _commands.Enqueue(command);
        Signal("command:" + command.MessageType).TrySetResult(command.CallId);
        switch (command)
        {
            case StartOutbound when Outbound == OutboundScript.Offer:
                await PostAsync(new OfferReady { CallId = command.CallId, NodeId = NodeId, CreatedAt = time.GetUtcNow(), Sdp = OfferSdp }, cancellationToken);
                break;
            case StartInbound when Inbound == InboundScript.Answer:
                await PostAsync(new AnswerReady { CallId = command.CallId, NodeId = NodeId, CreatedAt = time.GetUtcNow(), Sdp = AnswerSdp }, cancellationToken);
                await PostAsync(new MediaConnected { CallId = command.CallId, NodeId = NodeId, CreatedAt = time.GetUtcNow() }, cancellationToken);
                break;
            case StartInbound:
                await PostAsync(new MediaFailed
                {
                    CallId = command.CallId, NodeId = NodeId, CreatedAt = time.GetUtcNow(), Reason = MediaFailureReason.Capacity,
                }, cancellationToken);
                break;
            case ApplyAnswer:
                await PostAsync(new MediaConnected { CallId = command.CallId, NodeId = NodeId, CreatedAt = time.GetUtcNow() }, cancellationToken);
                break;
            case Play play:
                // A mid-call play is reported by the Play command's id, as the node does.
                await PostAsync(new PlaybackFinished { CallId = command.CallId, NodeId = NodeId, CreatedAt = time.GetUtcNow(), PlayMessageId = play.MessageId }, cancellationToken);
                break;
            case Hangup:
                await PostAsync(new MediaEnded
                {
                    CallId = command.CallId, NodeId = NodeId, CreatedAt = time.GetUtcNow(), Stats = FinalStats, Recording = RecordingFor?.Invoke(command.CallId),
                }, cancellationToken);
                break;
            default:
                break;
        }
    }

    /// <summary>POSTs one event exactly as a node does; throws (so the transport retries) unless it was acknowledged.</summary>
    public async Task PostAsync(MediaEvent evt, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(evt, cancellationToken);
        response.EnsureSuccessStatusCode();
        Signal(evt.MessageType).TrySetResult(evt.CallId);
        Signal(evt.MessageType + "|" + evt.CallId).TrySetResult(evt.CallId);
    }

    /// <summary>POSTs one signed event and hands back the response, whatever its status.</summary>
    public async Task<HttpResponseMessage> SendAsync(MediaEvent evt, CancellationToken cancellationToken = default)
    {
        var body = MediaMessageSerializer.Serialize(evt);
        var headers = signer.Sign(body);
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/media/events") { Content = content };
        request.Headers.Add(MediaEventSigner.SignatureHeaderName, headers.Signature);
        request.Headers.Add(MediaEventSigner.TimestampHeaderName, headers.Timestamp);
        request.Headers.Add(MediaEventSigner.NodeHeaderName, NodeId);
        return await functions.SendAsync(request, cancellationToken);
    }

    private TaskCompletionSource<string> Signal(string type) =>
        _acked.GetOrAdd(type, _ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));
}
