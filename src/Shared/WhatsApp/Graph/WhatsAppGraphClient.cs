using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Serverless.Shared.WhatsApp.Graph.Models;
using Serverless.Shared.WhatsApp.Graph.Resilience;

namespace Serverless.Shared.WhatsApp.Graph;

/// <summary>
/// Typed client for WhatsApp Cloud API calling endpoints. Every method takes the business phone-number id
/// (a deployment may serve several numbers). Failures: <see cref="WhatsAppApiException"/> when Meta
/// refused, <see cref="WhatsAppTransportException"/> when no response came, <see cref="WhatsAppResponseFormatException"/>
/// when a success lacked its payload, <see cref="ArgumentException"/> for bad input (nothing sent).
/// Register with <see cref="WhatsAppGraphServiceCollectionExtensions.AddWhatsAppGraphClient(Microsoft.Extensions.DependencyInjection.IServiceCollection, Action{WhatsAppGraphOptions})"/>.
/// </summary>
public sealed partial class WhatsAppGraphClient : IWhatsAppGraphClient
{
    private readonly HttpClient _http;
    private readonly WhatsAppGraphOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<WhatsAppGraphClient> _logger;

    /// <summary>Created by the HTTP client factory.</summary>
    public WhatsAppGraphClient(HttpClient http, IOptions<WhatsAppGraphOptions> options, TimeProvider timeProvider, ILogger<WhatsAppGraphClient> logger)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _http = http;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    private Task<TResponse> PostAsync<TRequest, TResponse>(
        GraphAction action, Uri uri, TRequest body, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
    {
        // Serialized once up front: the same bytes go out on every retry.
        byte[] json;
        try
        {
            json = JsonSerializer.SerializeToUtf8Bytes(body, requestType);
        }
        catch (JsonException ex)
        {
            // E.g. an Unknown enum value: nothing we could name on the wire, so nothing is sent.
            throw new ArgumentException(ex.Message, nameof(body), ex);
        }

        return SendAsync(action, HttpMethod.Post, uri, json, responseType, cancellationToken);
    }

    private async Task<TResponse> SendAsync<TResponse>(
        GraphAction action, HttpMethod method, Uri uri, byte[]? json, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, uri);
        request.SetGraphAction(action);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.AccessToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (json is not null)
        {
            request.Content = new ByteArrayContent(json);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json"); // header values are mutable: one per request
        }

        using var response = await SendOrTranslateAsync(action, request, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var error = GraphErrorReader.ToException(
                action, response.StatusCode, body, RetryAfterHeader.GetDelay(response.Headers, _timeProvider.GetUtcNow()));
            LogApiError(action, (int)error.HttpStatus, error.Code, error.Subcode, error.FbTraceId);
            throw error;
        }

        try
        {
            return JsonSerializer.Deserialize(body, responseType)
                ?? throw new WhatsAppResponseFormatException(action, response.StatusCode, "the body was JSON null.");
        }
        catch (JsonException ex)
        {
            throw new WhatsAppResponseFormatException(action, response.StatusCode, "the body was not the expected JSON.", ex);
        }
    }

    private async Task<HttpResponseMessage> SendOrTranslateAsync(GraphAction action, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        WhatsAppTransportFailure failure;
        Exception cause;
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        }
        catch (BrokenCircuitException ex)
        {
            (failure, cause) = (WhatsAppTransportFailure.CircuitOpen, ex);
        }
        catch (TimeoutRejectedException ex)
        {
            (failure, cause) = (WhatsAppTransportFailure.Timeout, ex);
        }
        catch (HttpRequestException ex)
        {
            failure = GraphRetryRules.IsConnectionNotEstablished(ex)
                ? WhatsAppTransportFailure.ConnectionFailed
                : WhatsAppTransportFailure.RequestFailed;
            cause = ex;
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient.Timeout (disabled by our registration) or a handler timing out on its own.
            (failure, cause) = (WhatsAppTransportFailure.Timeout, ex);
        }

        LogTransportFailure(action, failure);
        throw new WhatsAppTransportException(action, failure, cause);
    }

    private static void EnsureSuccess(GraphAction action, GraphSuccessResponse response)
    {
        if (!response.Success)
        {
            throw new WhatsAppResponseFormatException(action, HttpStatusCode.OK, "\"success\" was not true.");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "WhatsApp Graph {Action} refused: HTTP {Status}, code {Code}, subcode {Subcode}, fbtrace_id {FbTraceId}")]
    private partial void LogApiError(GraphAction action, int status, int? code, int? subcode, string? fbTraceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WhatsApp Graph {Action} got no response: {Failure}")]
    private partial void LogTransportFailure(GraphAction action, WhatsAppTransportFailure failure);

    [LoggerMessage(Level = LogLevel.Information, Message = "WhatsApp Graph {Action} sent from {PhoneNumberId} to {MaskedWaId}")]
    private partial void LogSentToUser(GraphAction action, string phoneNumberId, string maskedWaId);
}
