using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Functions.Api;
using Serverless.Functions.Calls;
using Serverless.Functions.Flows;
using Serverless.Functions.Hosting;
using Serverless.Shared.Media;

namespace Serverless.Functions.MediaEvents;

/// <summary>
/// Events from the MediaNodes. Anonymous at the host level (nodes hold no function key) but every body must carry
/// the shared-secret HMAC over timestamp and raw bytes (<see cref="MediaEventSigner"/>); 401 otherwise.
/// </summary>
public sealed partial class MediaEventsFunction(
    CallFlow flow,
    MediaEventSigner signer,
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

        var check = signer.Verify(
            body,
            request.Headers[MediaEventSigner.SignatureHeaderName].FirstOrDefault(),
            request.Headers[MediaEventSigner.TimestampHeaderName].FirstOrDefault());
        if (check != MediaEventCheck.Valid)
        {
            LogBadSignature(check);
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

        if (evt is OfferReady or AnswerReady && string.IsNullOrEmpty(evt.NodeId))
        {
            return Problems.Validation("OfferReady and AnswerReady must name the node (nodeId).");
        }

        var result = await DispatchAsync(evt, cancellationToken);
        if (result?.Status == ApplyStatus.CallNotFound)
        {
            return Problems.CallNotFound(evt.CallId);
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
        MediaEnded ended => Wrap(flow.OnMediaEndedAsync(ended.CallId, ended.Stats, ended.Recording, ended.MessageId, cancellationToken)),
        InputCollected collected => Wrap(flow.OnInputAsync(collected.CallId, collected.Input, collected.MessageId, cancellationToken)),
        DtmfReceived dtmf => Wrap(flow.OnInputAsync(dtmf.CallId, Unprompted(dtmf), dtmf.MessageId, cancellationToken)),
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

    private Task<ApplyResult?> Unhandled(MediaEvent evt)
    {
        // Every event type the nodes send has a case above (a test enumerates them); this is a newer node's event.
        LogUnhandled(evt.CallId, evt.MessageType);
        return Task.FromResult<ApplyResult?>(null);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Media event refused: signature {Check}")]
    private partial void LogBadSignature(MediaEventCheck check);

    [LoggerMessage(Level = LogLevel.Information, Message = "Call {CallId}: media event {Type} has no handler here; ignored")]
    private partial void LogUnhandled(string callId, string type);
}
