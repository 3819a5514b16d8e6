using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Serverless.Shared.Media;

namespace Serverless.MediaNode.Events;

/// <summary>
/// POSTs one event to the Functions' media events endpoint, signed with <see cref="MediaEventSigner"/> under this
/// node's own key (<c>MediaNode:EventsSecret</c>) and naming the node in <see cref="MediaEventSigner.NodeHeaderName"/>.
/// </summary>
public sealed partial class MediaEventSender
{
    /// <summary>Name of the <see cref="HttpClient"/> used for events.</summary>
    public const string HttpClientName = "media-events";

    private readonly HttpClient _http;
    private readonly Uri _url;
    private readonly MediaEventSigner _signer;
    private readonly ILogger<MediaEventSender> _logger;

    /// <summary>Creates the sender.</summary>
    public MediaEventSender(HttpClient http, Uri url, MediaEventSigner signer, ILogger<MediaEventSender> logger)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(logger);
        _http = http;
        _url = url;
        _signer = signer;
        _logger = logger;
    }

    /// <summary>One delivery attempt; never throws for network or HTTP failures (only for cancellation).</summary>
    public async Task<EventDelivery> SendAsync(MediaEvent mediaEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mediaEvent);
        var body = MediaMessageSerializer.Serialize(mediaEvent);
        var headers = _signer.Sign(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, _url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation(MediaEventSigner.SignatureHeaderName, headers.Signature);
        request.Headers.TryAddWithoutValidation(MediaEventSigner.TimestampHeaderName, headers.Timestamp);
        // The Functions pick this node's key by it; the body's nodeId must match (MediaEventsFunction).
        request.Headers.TryAddWithoutValidation(MediaEventSigner.NodeHeaderName, mediaEvent.NodeId);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return EventDelivery.Delivered;
            }

            var status = response.StatusCode;
            LogRefused(_logger, mediaEvent.MessageType, mediaEvent.CallId, (int)status);
            return IsTransient(status) ? EventDelivery.RetryLater : EventDelivery.Rejected;
        }
        catch (HttpRequestException ex)
        {
            LogUnreachable(_logger, mediaEvent.MessageType, mediaEvent.CallId, ex.Message);
            return EventDelivery.RetryLater;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient.Timeout.
            LogUnreachable(_logger, mediaEvent.MessageType, mediaEvent.CallId, "timeout");
            return EventDelivery.RetryLater;
        }
    }

    private static bool IsTransient(HttpStatusCode status) =>
        (int)status >= 500
        || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
            or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Functions answered {Status} to {EventType} of call {CallId}")]
    private static partial void LogRefused(ILogger logger, string eventType, string callId, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not deliver {EventType} of call {CallId}: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, string eventType, string callId, string reason);
}
