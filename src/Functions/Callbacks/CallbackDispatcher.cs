using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Functions.Storage;
using Serverless.Shared.Security;

namespace Serverless.Functions.Callbacks;

/// <summary>
/// <see cref="ICallbackDispatcher"/> over the Table outbox, and the drain that delivers: signed POSTs, exponential
/// backoff, at-least-once, a stable event id per event. Logs name the receiver's host only (URLs can carry tokens).
/// </summary>
public sealed partial class CallbackDispatcher : ICallbackDispatcher
{
    /// <summary>Name of the <see cref="IHttpClientFactory"/> client that delivers callbacks.</summary>
    public const string HttpClientName = "Callbacks";

    /// <summary>A Table string property holds at most 32 K UTF-16 characters (64 KiB); keep headroom.</summary>
    public const int MaxBodyChars = 30_000;

    private readonly CallbackOutbox _outbox;
    private readonly CallbackUrlPolicy _policy;
    private readonly IHttpClientFactory _httpClients;
    private readonly CallbackOptions _options;
    private readonly HmacSha256Signature _signer;
    private readonly TimeProvider _time;
    private readonly ILogger<CallbackDispatcher> _logger;
    private readonly WorkScheduler? _work;

    internal CallbackDispatcher(
        CallbackOutbox outbox,
        CallbackUrlPolicy policy,
        IHttpClientFactory httpClients,
        IOptions<CallbackOptions> options,
        TimeProvider time,
        ILogger<CallbackDispatcher> logger,
        WorkScheduler? work = null)
    {
        _work = work;
        _outbox = outbox;
        _policy = policy;
        _httpClients = httpClients;
        _options = options.Value;
        _signer = new HmacSha256Signature(_options.SigningSecret);
        _time = time;
        _logger = logger;
    }

    /// <inheritdoc />
    public async Task<CallbackEnqueueResult> EnqueueAsync(string callbackUrl, CallbackEvent callbackEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(callbackEvent);
        ArgumentException.ThrowIfNullOrEmpty(callbackEvent.EventId);
        var check = _policy.Validate(callbackUrl);
        if (!check.IsAllowed)
        {
            return new CallbackEnqueueResult(CallbackEnqueueStatus.Refused, check);
        }

        // The body is frozen here, so every retry sends the same bytes under the same event id.
        var body = JsonSerializer.Serialize(callbackEvent, CallbackJsonContext.Default.CallbackEvent);
        if (body.Length > MaxBodyChars)
        {
            throw new ArgumentException($"The event serializes to {body.Length} characters; at most {MaxBodyChars} fit an outbox row.", nameof(callbackEvent));
        }

        var now = _time.GetUtcNow();
        var added = await _outbox.AddAsync(callbackUrl, callbackEvent.EventId, body, now, cancellationToken);
        if (added && _work is not null)
        {
            await _work.ScheduleAsync(WorkQueueOptions.Callbacks, string.Empty, now, cancellationToken);
        }

        return new CallbackEnqueueResult(added ? CallbackEnqueueStatus.Enqueued : CallbackEnqueueStatus.Duplicate);
    }

    /// <summary>Where the delivery of one event to one URL stands; null when it was never enqueued.</summary>
    public async Task<CallbackDeliveryState?> GetDeliveryAsync(string callbackUrl, string eventId, CancellationToken cancellationToken = default)
    {
        if (await _outbox.GetAsync(callbackUrl, eventId, cancellationToken) is not { } row)
        {
            return null;
        }

        var status = row.Status switch
        {
            CallbackOutbox.Delivered => CallbackDeliveryStatus.Delivered,
            CallbackOutbox.Failed => CallbackDeliveryStatus.Failed,
            _ => CallbackDeliveryStatus.Pending,
        };
        return new CallbackDeliveryState(status, row.Attempts, row.LastError);
    }

    /// <summary>Deletes the stored deliveries (any status) of events about these calls (a user's erasure).</summary>
    internal Task<int> ForgetCallsAsync(IReadOnlySet<string> callIds, CancellationToken cancellationToken) =>
        _outbox.DeleteForCallsAsync(callIds, cancellationToken);

    /// <summary>Deletes the stored deliveries (any status) queued before <paramref name="cutoff"/> (retention).</summary>
    internal Task<int> PurgeCreatedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        _outbox.PurgeCreatedBeforeAsync(cutoff, cancellationToken);

    /// <summary>
    /// Sends every due delivery once; returns what happened. Deliveries run concurrently, at most
    /// <see cref="CallbackOptions.MaxConcurrentPerReceiver"/> at a time to one receiver (host and port), so a slow or
    /// dead receiver holds up only its own events, never everyone else's.
    /// </summary>
    public async Task<CallbackDrainSummary> DrainAsync(CancellationToken cancellationToken = default)
    {
        int delivered = 0, retrying = 0, givenUp = 0;
        // Oldest first (the outbox lists rows by hash): a receiver's events leave in the order they were queued, and
        // with MaxConcurrentPerReceiver 1 also arrive in it. An event id's sequence breaks ties ("-9" before "-10").
        var due = (await _outbox.DueAsync(_time.GetUtcNow(), _options.DrainBatchSize, cancellationToken))
            .OrderBy(d => d.NextAttemptAt).ThenBy(d => d.EventId.Length).ThenBy(d => d.EventId, StringComparer.Ordinal).ToList();
        var receivers = due
            .Select(d => Receiver(d.Url))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToDictionary(r => r, _ => new SemaphoreSlim(_options.MaxConcurrentPerReceiver), StringComparer.OrdinalIgnoreCase);
        try
        {
            await Task.WhenAll(due.Select(async delivery =>
            {
                var gate = receivers[Receiver(delivery.Url)];
                await gate.WaitAsync(cancellationToken);
                try
                {
                    // Claimed only once this receiver has a free slot, so the lease covers the attempt, not the wait.
                    switch (await DeliverOnceAsync(delivery, cancellationToken))
                    {
                        case AttemptResult.Delivered:
                            Interlocked.Increment(ref delivered);
                            break;
                        case AttemptResult.Retry:
                            Interlocked.Increment(ref retrying);
                            break;
                        case AttemptResult.Final:
                            Interlocked.Increment(ref givenUp);
                            break;
                    }
                }
                finally
                {
                    gate.Release();
                }
            }));
        }
        finally
        {
            foreach (var gate in receivers.Values)
            {
                gate.Dispose();
            }
        }

        return new CallbackDrainSummary(delivered, retrying, givenUp);
    }

    /// <summary>Claims, sends and records one delivery; null when another drain run holds it.</summary>
    private async Task<AttemptResult?> DeliverOnceAsync(OutboxDelivery due, CancellationToken cancellationToken)
    {
        if (await _outbox.ClaimAsync(due, _time.GetUtcNow() + _options.LeaseDuration, cancellationToken) is not { } claimed)
        {
            return null;
        }

        var attempts = claimed.Attempts + 1;
        var (result, error) = await SendAsync(claimed, cancellationToken);
        var finishedAt = _time.GetUtcNow();
        switch (result)
        {
            case AttemptResult.Delivered:
                await _outbox.RecordAsync(claimed, CallbackOutbox.Delivered, attempts, finishedAt, null, finishedAt, cancellationToken);
                return AttemptResult.Delivered;
            case AttemptResult.Retry when attempts < _options.MaxAttempts:
                var next = finishedAt + Backoff(attempts);
                await _outbox.RecordAsync(claimed, CallbackOutbox.Pending, attempts, next, error, finishedAt, cancellationToken);
                if (_work is not null)
                {
                    await _work.ScheduleAsync(WorkQueueOptions.Callbacks, string.Empty, next, cancellationToken);
                }

                LogRetrying(Host(claimed.Url), claimed.EventId, attempts, next, error);
                return AttemptResult.Retry;
            default:
                await _outbox.RecordAsync(claimed, CallbackOutbox.Failed, attempts, finishedAt, error, finishedAt, cancellationToken);
                LogGivenUp(Host(claimed.Url), claimed.EventId, attempts, error);
                return AttemptResult.Final;
        }
    }

    /// <summary>The receiver a URL belongs to, for the per-receiver bound: scheme, host and port.</summary>
    private static string Receiver(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) : url;

    /// <summary>Base delay doubled per failed attempt, capped (no jitter: due times are already spread by the timer).</summary>
    internal TimeSpan Backoff(int failedAttempts)
    {
        var factor = Math.Pow(2, Math.Min(failedAttempts - 1, 30));
        var delay = TimeSpan.FromTicks((long)Math.Min(_options.RetryBaseDelay.Ticks * factor, _options.RetryMaxDelay.Ticks));
        return delay;
    }

    private async Task<(AttemptResult Result, string? Error)> SendAsync(OutboxDelivery delivery, CancellationToken cancellationToken)
    {
        // Form re-checked (options may have changed since enqueue); addresses are checked by the connect step.
        var form = _policy.Validate(delivery.Url);
        if (!form.IsAllowed)
        {
            return (AttemptResult.Final, form.Detail);
        }

        var body = Encoding.UTF8.GetBytes(delivery.Body);
        var timestamp = _time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(CallbackSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(CallbackSignature.SignatureHeader, CallbackSignature.Sign(_signer, timestamp, body));
        request.Headers.Add(CallbackSignature.EventIdHeader, delivery.EventId);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        try
        {
            using var response = await _httpClients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            if (status is >= 200 and < 300)
            {
                return (AttemptResult.Delivered, null);
            }

            // 408/429/5xx are the receiver's temporary trouble; other answers (4xx, 3xx) will not change by retrying.
            var retry = response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || status >= 500;
            return (retry ? AttemptResult.Retry : AttemptResult.Final, $"HTTP {status}");
        }
        catch (HttpRequestException ex) when (FindRefusal(ex) is { } refused)
        {
            return (AttemptResult.Final, refused.Check.Detail);
        }
        catch (HttpRequestException ex)
        {
            return (AttemptResult.Retry, $"{ex.HttpRequestError}: {ex.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (AttemptResult.Retry, $"No answer within {_options.RequestTimeout}.");
        }
    }

    private static CallbackUrlRefusedException? FindRefusal(Exception exception)
    {
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is CallbackUrlRefusedException refused)
            {
                return refused;
            }
        }

        return null;
    }

    private static string Host(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Host : "(invalid)";

    private enum AttemptResult
    {
        Delivered,
        Retry,
        Final,
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Callback {EventId} to {Host} failed (attempt {Attempt}): {Error}; next try at {NextAttemptAt}")]
    private partial void LogRetrying(string host, string eventId, int attempt, DateTimeOffset nextAttemptAt, string? error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Callback {EventId} to {Host} given up after {Attempt} attempt(s): {Error}")]
    private partial void LogGivenUp(string host, string eventId, int attempt, string? error);
}
