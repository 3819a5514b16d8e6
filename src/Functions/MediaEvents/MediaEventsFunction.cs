using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Functions.AgentConsole;
using Serverless.Functions.Calls;
using Serverless.Functions.Flows;
using Serverless.Functions.Http;
using Serverless.Shared.Media;

namespace Serverless.Functions.MediaEvents;

/// <summary>
/// Events from the MediaNodes. Anonymous at the host level (nodes hold no function key) but every body must carry
/// the HMAC of the node named in <see cref="MediaEventSigner.NodeHeaderName"/>, made with that node's own key
/// (<see cref="MediaNodeKeys"/>), over timestamp and raw bytes; 401 otherwise. The body must name the same node (403),
/// and an event for a call another node owns changes nothing (409).
/// </summary>
public sealed partial class MediaEventsFunction(
    CallFlow flow,
    ConsoleFlow console,
    ICallStore store,
    MediaNodeKeys keys,
    IOptions<MediaEventsOptions> options,
    ILogger<MediaEventsFunction> logger)
{
    [Function("MediaEvents")]
    public async Task<IActionResult> ReceiveAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "media/events")] HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var limit = options.Value.MaxBodyBytes;
        var body = await BodyReader.ReadAsync(request, limit, cancellationToken);
        if (body is null)
        {
            return Problems.TooLarge(limit);
        }

        var node = request.Headers[MediaEventSigner.NodeHeaderName].FirstOrDefault();
        if (keys.For(node) is not { } signer)
        {
            // An unknown or missing node id is indistinguishable from a bad signature to the sender.
            LogUnknownNode(MediaNodeKeys.IsValidNodeId(node) ? node : "(invalid)");
            return new UnauthorizedResult();
        }

        var check = signer.Verify(
            body,
            request.Headers[MediaEventSigner.SignatureHeaderName].FirstOrDefault(),
            request.Headers[MediaEventSigner.TimestampHeaderName].FirstOrDefault());
        if (check != MediaEventCheck.Valid)
        {
            LogBadSignature(node!, check);
            return new UnauthorizedResult();
        }

        if (!MediaMessageSerializer.TryDeserialize<MediaEvent>(body, out var evt, out var error))
        {
            return Problems.InvalidJson($"Not a media event: {error}.");
        }

        if (!CallIds.IsValid(evt.CallId))
        {
            return Problems.CallNotFound(null);
        }

        if (!string.Equals(evt.NodeId, node, StringComparison.Ordinal))
        {
            // Signed by one node, claiming another (or none): a key speaks only for its own node.
            LogNodeMismatch(node!, evt.CallId, evt.MessageType);
            return MediaEventProblems.NodeMismatch(node!);
        }

        if (evt is not (OfferReady or AnswerReady))
        {
            // Offer/answer claim the call (write-once, atomically in the state machine, which refuses another node's
            // claim and frees its peer); every other event must come from the node that claimed it.
            var call = await store.GetAsync(evt.CallId, cancellationToken);
            if (call is null)
            {
                return Problems.CallNotFound(evt.CallId);
            }

            if (call.NodeId is { } owner && owner != node)
            {
                LogNotOwner(node!, evt.CallId, evt.MessageType);
                return MediaEventProblems.NotCallOwner(evt.CallId);
            }
        }

        if (await DispatchAsync(evt, cancellationToken) is not { } result)
        {
            return MediaEventProblems.Unhandled(evt.MessageType);
        }

        if (result.Status == ApplyStatus.CallNotFound)
        {
            return Problems.CallNotFound(evt.CallId);
        }

        if (evt is OfferReady or AnswerReady && result.Call?.NodeId is { } claimed && claimed != node)
        {
            LogNotOwner(node!, evt.CallId, evt.MessageType);
            return MediaEventProblems.NotCallOwner(evt.CallId);
        }

        return new OkResult();
    }

    private Task<ApplyResult?> DispatchAsync(MediaEvent evt, CancellationToken cancellationToken) => evt switch
    {
        OfferReady offer => Wrap(flow.OnOfferReadyAsync(offer.CallId, offer.NodeId!, offer.Sdp, offer.MessageId, cancellationToken)),
        AnswerReady answer => Wrap(flow.OnAnswerReadyAsync(answer.CallId, answer.NodeId!, answer.Sdp, answer.MessageId, cancellationToken)),
        MediaConnected connected => Wrap(flow.OnMediaConnectedAsync(connected.CallId, connected.MessageId, cancellationToken)),
        MediaFailed failed => Wrap(flow.OnMediaFailedAsync(failed.CallId, CallErrorCodes.FromMediaFailed(failed), failed.MessageId, cancellationToken)),
        PlaybackFinished { PlayMessageId: { } play } done => Wrap(flow.OnPlayFinishedAsync(done.CallId, play, done.MessageId, cancellationToken)),
        PlaybackFinished done => Wrap(flow.OnPlaybackFinishedAsync(done.CallId, done.MessageId, cancellationToken)),
        MediaEnded ended => Wrap(flow.OnMediaEndedAsync(ended, cancellationToken)),
        InputCollected collected => Wrap(flow.OnInputAsync(collected.CallId, collected.Input, collected.MessageId, cancellationToken)),
        StreamEnded stream => Wrap(flow.OnStreamEndedAsync(stream.CallId, stream.Result, stream.MessageId, cancellationToken)),
        DtmfReceived dtmf => Wrap(flow.OnInputAsync(dtmf.CallId, Unprompted(dtmf), dtmf.MessageId, cancellationToken)),
        AgentRequested requested => Wrap(console.OnAgentRequestedAsync(requested, cancellationToken)),
        AgentAnswerReady answer => AnswerAsync(answer, cancellationToken),
        AgentConnected connected => Wrap(console.OnAgentConnectedAsync(connected, cancellationToken)),
        AgentLegEnded legEnded => Wrap(console.OnAgentLegEndedAsync(legEnded, cancellationToken)),
        AgentRequestEnded requestEnded => Wrap(console.OnAgentRequestEndedAsync(requestEnded, cancellationToken)),
        _ => Unhandled(evt),
    };

    /// <summary>Keys pressed outside a collect step are kept as an input of their own (as Twilio keeps <c>Digits</c>).</summary>
    private static DigitInput Unprompted(DtmfReceived dtmf) => new()
    {
        Digits = dtmf.Digits,
        EndedBy = InputEnd.Unprompted,
        StartedAt = dtmf.CreatedAt,
        EndedAt = dtmf.CreatedAt,
    };

    private static async Task<ApplyResult?> Wrap(Task<ApplyResult> task) => await task;

    /// <summary>The answer changes no call state: it goes to the agent's page; a leg this call does not have is logged.</summary>
    private async Task<ApplyResult?> AnswerAsync(AgentAnswerReady answer, CancellationToken cancellationToken)
    {
        await console.OnAgentAnswerReadyAsync(answer, cancellationToken);
        return new ApplyResult { Status = ApplyStatus.NoChange };
    }

    private Task<ApplyResult?> Unhandled(MediaEvent evt)
    {
        // Unreachable while every MediaEvent subtype has a case above (MediaContractCoverageTests sends each one);
        // an unknown type name never deserializes, so this is a subtype of the shared contract this build forgot.
        LogUnhandled(evt.CallId, evt.MessageType);
        return Task.FromResult<ApplyResult?>(null);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Media event refused: no key for node {NodeId}")]
    private partial void LogUnknownNode(string? nodeId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Media event from node {NodeId} refused: signature {Check}")]
    private partial void LogBadSignature(string nodeId, MediaEventCheck check);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Media event {Type} of call {CallId} signed by node {NodeId} names another node; refused")]
    private partial void LogNodeMismatch(string nodeId, string callId, string type);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Media event {Type} of call {CallId} from node {NodeId}, which does not own the call; refused")]
    private partial void LogNotOwner(string nodeId, string callId, string type);

    [LoggerMessage(Level = LogLevel.Error, Message = "Call {CallId}: media event {Type} has no handler here; refused with 501")]
    private partial void LogUnhandled(string callId, string type);
}
