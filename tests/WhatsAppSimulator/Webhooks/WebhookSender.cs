using System.Net.Http.Headers;
using System.Threading.Channels;
using Serverless.Shared.Security;
using Microsoft.Extensions.Logging;
using Serverless.Testing.WhatsAppSimulator.Clock;
using Serverless.Testing.WhatsAppSimulator.Logging;

namespace Serverless.Testing.WhatsAppSimulator.Webhooks;

/// <summary>
/// Delivers webhooks like Meta: signed with <c>X-Hub-Signature-256</c> over the exact bytes sent, at least once,
/// retried on non-2xx after the configured delays (simulated time). First attempts go out one at a time in creation
/// order; a failed delivery is retried in the background while later ones proceed. Tests reorder with <see cref="Hold"/> + <see cref="ReleaseHeld"/> and duplicate with <see cref="RedeliverAsync"/>.
/// </summary>
public sealed class WebhookSender : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly Channel<QueuedWebhook> _queue = Channel.CreateUnbounded<QueuedWebhook>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<WebhookDelivery> _deliveries = [];
    private readonly List<WebhookChange> _held = [];
    private readonly List<Task> _retries = [];
    private readonly SimulatorClock _clock;
    private readonly HmacSha256Signature _signer;
    private readonly IReadOnlyList<TimeSpan> _retryDelays;
    private readonly HttpClient _http;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _holding;
    private int _nextId;

    internal WebhookSender(SimulatorClock clock, HmacSha256Signature signer, Uri? targetUrl, IReadOnlyList<TimeSpan> retryDelays, ILogger logger)
    {
        _logger = logger;
        _clock = clock;
        _signer = signer;
        _retryDelays = retryDelays;
        TargetUrl = targetUrl;
        _http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        _pump = Task.Run(PumpAsync);
    }

    /// <summary>The product's webhook URL; null keeps deliveries in the log without sending.</summary>
    public Uri? TargetUrl { get; set; }

    /// <summary>When set, every delivered body is POSTed a second time at once (Meta's at-least-once, made routine).</summary>
    public bool DeliverTwice { get; set; }

    /// <summary>Snapshot of every delivery, oldest first.</summary>
    public IReadOnlyList<WebhookDelivery> Deliveries
    {
        get
        {
            lock (_gate)
            {
                return [.. _deliveries];
            }
        }
    }

    /// <summary>Changes currently held back by <see cref="Hold"/>.</summary>
    public int HeldCount
    {
        get
        {
            lock (_gate)
            {
                return _held.Count;
            }
        }
    }

    /// <summary>Holds every following change instead of sending it, until <see cref="ReleaseHeld"/>.</summary>
    public void Hold()
    {
        lock (_gate)
        {
            _holding = true;
        }
    }

    /// <summary>
    /// Stops holding and queues the held changes: shuffled when <paramref name="shuffleSeed"/> is given, and as one
    /// batched body (one entry, several changes) when <paramref name="asOneDelivery"/>. Returns how many were held.
    /// </summary>
    public int ReleaseHeld(int? shuffleSeed = null, bool asOneDelivery = false)
    {
        List<WebhookChange> held;
        lock (_gate)
        {
            _holding = false;
            held = [.. _held];
            _held.Clear();
        }

        if (shuffleSeed is { } seed)
        {
#pragma warning disable CA5394 // Reproducible test shuffles need a seeded, non-cryptographic generator.
            var random = new Random(seed);
#pragma warning restore CA5394
            var shuffled = held.ToArray();
            random.Shuffle(shuffled);
            held = [.. shuffled];
        }

        if (asOneDelivery && held.Count > 0)
        {
            Write(new QueuedWebhook(_ => Task.FromResult<IReadOnlyList<WebhookChange>?>(held), BypassHold: true));
        }
        else
        {
            foreach (var change in held)
            {
                Write(new QueuedWebhook(_ => Task.FromResult<IReadOnlyList<WebhookChange>?>([change]), BypassHold: true));
            }
        }

        return held.Count;
    }

    /// <summary>POSTs a delivery's exact bytes and signature again (Meta's at-least-once); returns the HTTP status or null.</summary>
    public async Task<int?> RedeliverAsync(string deliveryId, CancellationToken cancellationToken)
    {
        var delivery = Deliveries.FirstOrDefault(d => d.Id == deliveryId)
            ?? throw new ArgumentException($"No delivery {deliveryId}", nameof(deliveryId));
        var attempt = await PostAsync(delivery, cancellationToken);
        Signal();
        return attempt.StatusCode;
    }

    /// <summary>Waits until <paramref name="condition"/> holds for the delivery log.</summary>
    public async Task WaitUntilAsync(Func<IReadOnlyList<WebhookDelivery>, bool> condition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(condition);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }

            if (condition(Deliveries))
            {
                return;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> changes are held back.</summary>
    public async Task WaitUntilHeldAsync(int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_held.Count >= count)
                {
                    return;
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stop.CancelAsync();
        Task[] pending;
        lock (_gate)
        {
            pending = [_pump, .. _retries];
        }

        foreach (var task in pending)
        {
            try
            {
                await task;
            }
            catch (OperationCanceledException)
            {
                // Stopping mid-delivery or mid-retry is expected on dispose.
            }
        }

        _http.Dispose();
        _stop.Dispose();
    }

    /// <summary>Queues a ready change.</summary>
    internal void Enqueue(WebhookChange change) =>
        Write(new QueuedWebhook(_ => Task.FromResult<IReadOnlyList<WebhookChange>?>([change]), BypassHold: false));

    /// <summary>Queues a change built when its turn comes (e.g. after the phone produced its SDP); null skips it.</summary>
    internal void Enqueue(Func<CancellationToken, Task<WebhookChange?>> build) =>
        Write(new QueuedWebhook(
            async ct => await build(ct) is { } change ? [change] : null,
            BypassHold: false));

    private void Write(QueuedWebhook item)
    {
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(item), this);
    }

    private async Task PumpAsync()
    {
        var ct = _stop.Token;
        await foreach (var item in _queue.Reader.ReadAllAsync(ct))
        {
            var changes = await item.Build(ct);
            if (changes is null || changes.Count == 0)
            {
                continue;
            }

            bool held;
            lock (_gate)
            {
                held = _holding && !item.BypassHold;
                if (held)
                {
                    _held.AddRange(changes);
                }
            }

            if (held)
            {
                Signal();
                continue;
            }

            await DeliverAsync(changes, ct);
        }
    }

    private async Task DeliverAsync(IReadOnlyList<WebhookChange> changes, CancellationToken cancellationToken)
    {
        var body = WebhookEnvelope.Write(changes);
        WebhookDelivery delivery;
        lock (_gate)
        {
            delivery = new WebhookDelivery($"d{++_nextId}", changes, body, _signer.Sign(body), _clock.UtcNow);
            _deliveries.Add(delivery);
        }

        if (TargetUrl is null)
        {
            delivery.State = WebhookDeliveryState.NoTarget;
            Signal();
            return;
        }

        Signal();
        delivery.State = WebhookDeliveryState.Sending;
        if (await TryOnceAsync(delivery, cancellationToken))
        {
            return;
        }

        // Like Meta, a failed delivery is retried on its own schedule while later ones go out: retries reorder.
        var retry = RetryAsync(delivery, cancellationToken);
        lock (_gate)
        {
            _retries.RemoveAll(t => t.IsCompleted);
            _retries.Add(retry);
        }
    }

    private async Task RetryAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < _retryDelays.Count; attempt++)
        {
            // Arm the timer before announcing AwaitingRetry, so a test advancing time on that signal cannot miss it.
            var wait = _clock.DelayAsync(_retryDelays[attempt], cancellationToken);
            delivery.State = WebhookDeliveryState.AwaitingRetry;
            Signal();
            await wait;
            delivery.State = WebhookDeliveryState.Sending;
            if (await TryOnceAsync(delivery, cancellationToken))
            {
                return;
            }
        }

        SimulatorLog.WebhookGaveUp(_logger, delivery.Id, _retryDelays.Count + 1);
        delivery.State = WebhookDeliveryState.Failed;
        Signal();
    }

    private async Task<bool> TryOnceAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        var result = await PostAsync(delivery, cancellationToken);
        if (!result.Succeeded)
        {
            return false;
        }

        if (DeliverTwice)
        {
            await PostAsync(delivery, cancellationToken);
        }

        delivery.State = WebhookDeliveryState.Delivered;
        Signal();
        return true;
    }

    private async Task<WebhookAttempt> PostAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        var target = TargetUrl;
        WebhookAttempt attempt;
        if (target is null)
        {
            attempt = new WebhookAttempt(_clock.UtcNow, null, "No webhook URL configured");
        }
        else
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, target);
                request.Content = new ByteArrayContent(delivery.Body);
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                request.Headers.TryAddWithoutValidation(HmacSha256Signature.HeaderName, delivery.Signature);
                request.Headers.TryAddWithoutValidation("User-Agent", "facebookexternalua");
                using var response = await _http.SendAsync(request, cancellationToken);
                attempt = new WebhookAttempt(_clock.UtcNow, (int)response.StatusCode, null);
            }
            catch (HttpRequestException ex)
            {
                attempt = new WebhookAttempt(_clock.UtcNow, null, ex.Message);
            }
            catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                attempt = new WebhookAttempt(_clock.UtcNow, null, ex.Message);
            }
            catch (InvalidOperationException ex)
            {
                attempt = new WebhookAttempt(_clock.UtcNow, null, ex.Message);
            }
        }

        delivery.AddAttempt(attempt);
        if (_logger.IsEnabled(LogLevel.Information))
        {
            var fields = string.Join(',', delivery.Changes.Select(c => c.Field));
            var outcome = attempt.StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? attempt.Error ?? "no response";
            SimulatorLog.WebhookAttempt(_logger, delivery.Id, fields, delivery.Attempts.Count, outcome);
        }
        return attempt;
    }

    private void Signal()
    {
        TaskCompletionSource old;
        lock (_gate)
        {
            old = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        old.TrySetResult();
    }

    private sealed record QueuedWebhook(Func<CancellationToken, Task<IReadOnlyList<WebhookChange>?>> Build, bool BypassHold);
}
