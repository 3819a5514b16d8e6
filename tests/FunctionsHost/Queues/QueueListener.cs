using System.Collections.Concurrent;
using System.Text.Json;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;
using Serverless.Testing.FunctionsHost.Discovery;

namespace Serverless.Testing.FunctionsHost.Queues;

/// <summary>
/// Serves one queue-triggered function from its Storage queue as the queue extension's listener does: takes a batch
/// (hidden for <see cref="LeaseTime"/> while it runs), invokes the function once per message, deletes the message
/// after a success, makes it visible again after <see cref="QueueHostSettings.VisibilityTimeout"/> after a failure,
/// and moves it to <c>&lt;queue&gt;-poison</c> once it failed <see cref="QueueHostSettings.MaxDequeueCount"/> times.
/// The polling loop (opt-in) backs off from 100 ms, doubling up to <see cref="QueueHostSettings.MaxPollingInterval"/>
/// while the queue is empty, and polls again at once after a message. Visibility renewal is not done: a run longer
/// than the lease would see its message delivered twice (the functions here are idempotent anyway).
/// </summary>
internal sealed class QueueListener : IAsyncDisposable
{
    private static readonly TimeSpan LeaseTime = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan MinPollingInterval = TimeSpan.FromMilliseconds(100);

    private readonly QueueFunctionDescriptor _function;
    private readonly QueueClient _queue;
    private readonly QueueClient _poison;
    private readonly QueueHostSettings _settings;
    private readonly Func<QueueFunctionDescriptor, QueueMessage, CancellationToken, Task> _invoke;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConcurrentDictionary<string, int> _released = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public QueueListener(
        QueueFunctionDescriptor function,
        QueueServiceClient service,
        QueueHostSettings settings,
        Func<QueueFunctionDescriptor, QueueMessage, CancellationToken, Task> invoke,
        TimeProvider time,
        ILogger logger)
    {
        _function = function;
        _queue = service.GetQueueClient(function.QueueName);
        _poison = service.GetQueueClient(function.QueueName + "-poison");
        _settings = settings;
        _invoke = invoke;
        _time = time;
        _logger = logger;
    }

    public string QueueName => _function.QueueName;

    /// <summary>Starts polling in the background until disposed.</summary>
    public void Start() => _loop = Task.Run(() => PollAsync(_stop.Token));

    /// <summary>
    /// One pass, for tests: every message visible now whose due time has come by the host's clock is delivered once
    /// (the same handling as the poller: delete, retry or poison). A message whose JSON body has a top-level
    /// <c>dueAt</c> later than the host's clock is left in the queue undelivered (its dequeue count is not charged):
    /// with a product clock moved by a test, a visibility delay in real time can't be waited for, so the product makes
    /// such messages visible at once and the host delivers them when their time comes on the shared clock.
    /// Returns how many messages were delivered.
    /// </summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var delivered = 0;
            while (true)
            {
                var batch = await ReceiveAsync(cancellationToken);
                var fresh = 0;
                foreach (var message in batch)
                {
                    if (!seen.Add(message.MessageId) || IsNotDueYet(message))
                    {
                        await ReleaseAsync(message, cancellationToken);
                        continue;
                    }

                    fresh++;
                    delivered++;
                    await HandleAsync(message, cancellationToken);
                }

                if (fresh == 0)
                {
                    return delivered;
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        _stop.Dispose();
        _gate.Dispose();
    }

    private async Task PollAsync(CancellationToken stopping)
    {
        var interval = MinPollingInterval;
        while (!stopping.IsCancellationRequested)
        {
            var found = 0;
            try
            {
                await _gate.WaitAsync(stopping);
                try
                {
                    foreach (var message in await ReceiveAsync(stopping))
                    {
                        found++;
                        await HandleAsync(message, stopping);
                    }
                }
                finally
                {
                    _gate.Release();
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (RequestFailedException ex)
            {
                QueueLog.PollFailed(_logger, ex, _function.Name, _function.QueueName);
            }

            // As the extension: at once again after messages, else double the wait up to the maximum.
            interval = found > 0 ? MinPollingInterval : TimeSpan.FromTicks(Math.Min(interval.Ticks * 2, _settings.MaxPollingInterval.Ticks));
            if (found == 0)
            {
                try
                {
                    await Task.Delay(interval, stopping);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task<QueueMessage[]> ReceiveAsync(CancellationToken cancellationToken)
    {
        try
        {
            return (await _queue.ReceiveMessagesAsync(_settings.BatchSize, LeaseTime, cancellationToken)).Value;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // The extension creates nothing until a message is added; an absent queue is an empty one.
            return [];
        }
    }

    private async Task HandleAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        // Dequeue counts charged by RunOnceAsync's skips of not-yet-due messages are not the function's failures.
        var dequeueCount = message.DequeueCount - (_released.TryGetValue(message.MessageId, out var skips) ? skips : 0);
        var counted = QueuesModelFactory.QueueMessage(
            message.MessageId, message.PopReceipt, message.Body, dequeueCount, message.NextVisibleOn, message.InsertedOn, message.ExpiresOn);
        if (_settings.Base64 && !TryDecodeBase64(counted, out counted))
        {
            // The extension poisons a message it cannot decode without invoking the function.
            await PoisonAsync(message, cancellationToken);
            return;
        }

        try
        {
            await _invoke(_function, counted, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (dequeueCount >= _settings.MaxDequeueCount)
            {
                QueueLog.Poisoned(_logger, _function.Name, message.MessageId, dequeueCount, _poison.Name);
                await PoisonAsync(message, cancellationToken);
                _released.TryRemove(message.MessageId, out _);
            }
            else
            {
                await _queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: _settings.VisibilityTimeout, cancellationToken: cancellationToken);
            }

            return;
        }

        await _queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
        _released.TryRemove(message.MessageId, out _);
    }

    private async Task PoisonAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        await _poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await _poison.SendMessageAsync(message.Body, cancellationToken: cancellationToken);
        await _queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
    }

    private async Task ReleaseAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        _released.AddOrUpdate(message.MessageId, 1, (_, n) => n + 1);
        await _queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: cancellationToken);
    }

    private bool IsNotDueYet(QueueMessage message)
    {
        var text = _settings.Base64 && TryDecodeBase64(message, out var decoded) ? decoded.Body : message.Body;
        try
        {
            using var json = JsonDocument.Parse(text.ToMemory());
            return json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("dueAt", out var due)
                && due.ValueKind == JsonValueKind.String
                && due.TryGetDateTimeOffset(out var dueAt)
                && dueAt > _time.GetUtcNow();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool TryDecodeBase64(QueueMessage message, out QueueMessage decoded)
    {
        decoded = message;
        try
        {
            var bytes = Convert.FromBase64String(message.Body.ToString());
            decoded = QueuesModelFactory.QueueMessage(
                message.MessageId, message.PopReceipt, new BinaryData(bytes), message.DequeueCount, message.NextVisibleOn, message.InsertedOn, message.ExpiresOn);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}

internal static partial class QueueLog
{
    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "Queue function {FunctionName}: polling {Queue} failed")]
    public static partial void PollFailed(ILogger logger, Exception exception, string functionName, string queue);

    [LoggerMessage(EventId = 21, Level = LogLevel.Error, Message = "Queue function {FunctionName}: message {MessageId} failed {DequeueCount} times; moved to {PoisonQueue}")]
    public static partial void Poisoned(ILogger logger, string functionName, string messageId, long dequeueCount, string poisonQueue);

    [LoggerMessage(EventId = 22, Level = LogLevel.Information, Message = "Queue function {FunctionName} on queue {Queue} (polls: {Polls})")]
    public static partial void Serving(ILogger logger, string functionName, string queue, bool polls);
}
