using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Logging;

namespace Serverless.Shared.Transport.ServiceBus;

/// <summary>
/// Keeps the peek-locks of one received batch alive until each message is settled. Messages are handled one at a
/// time, so a slow handler (or the messages queued behind it in the batch) would otherwise outlive the queue's lock
/// duration: the broker then hands the command to another node while this one still runs it, and the late
/// complete fails with <see cref="ServiceBusFailureReason.MessageLockLost"/>. Renews at half the lock time left at
/// receipt, on the injected clock. A message whose settlement waits for its reply's handover
/// (<see cref="CommandOutcome.AwaitingHandover"/>) outlives its round: the renewal goes on until it is settled too,
/// and the timer ends with the last one.
/// </summary>
internal sealed partial class LockRenewal
{
    private readonly ServiceBusReceiver _receiver;
    private readonly ILogger _logger;
    private readonly HashSet<ServiceBusReceivedMessage> _pending;
    private readonly Lock _lock = new();
    private readonly ITimer? _timer;
    private int _ticks;
    private bool _roundDone;

    public LockRenewal(ServiceBusReceiver receiver, IReadOnlyList<ServiceBusReceivedMessage> messages, TimeProvider time, ILogger logger)
    {
        _receiver = receiver;
        _logger = logger;
        _pending = [.. messages];
        if (messages.Count == 0)
        {
            return;
        }

        var left = messages.Min(m => m.LockedUntil) - time.GetUtcNow();
        var interval = left / 2 > MinimumInterval ? left / 2 : MinimumInterval;
        _timer = time.CreateTimer(_ => _ = RenewAsync(), null, interval, interval);
    }

    /// <summary>Floor for the renewal period, should the lock already be nearly gone at receipt.</summary>
    internal static readonly TimeSpan MinimumInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>Stops renewing <paramref name="message"/> (call before settling it).</summary>
    public void Stop(ServiceBusReceivedMessage message)
    {
        bool last;
        lock (_lock)
        {
            _pending.Remove(message);
            last = _roundDone && _pending.Count == 0;
        }

        if (last)
        {
            _timer?.Dispose();
        }
    }

    /// <summary>
    /// The round is over: stops renewing every message but <paramref name="awaitingHandover"/> (settled, or given up
    /// by a failure or a stop); the timer ends once those are settled too.
    /// </summary>
    public void EndRound(IReadOnlySet<ServiceBusReceivedMessage> awaitingHandover)
    {
        bool last;
        lock (_lock)
        {
            _roundDone = true;
            _pending.RemoveWhere(m => !awaitingHandover.Contains(m));
            last = _pending.Count == 0;
        }

        if (last)
        {
            _timer?.Dispose();
        }
    }

    private async Task RenewAsync()
    {
        // One round at a time, but a tick during a round is not dropped: it runs another round right after.
        // _ticks: 0 idle, 1 a round runs, more: ticks arrived meanwhile.
        if (Interlocked.Increment(ref _ticks) > 1)
        {
            return;
        }

        while (true)
        {
            ServiceBusReceivedMessage[] pending;
            lock (_lock)
            {
                pending = [.. _pending];
            }

            foreach (var message in pending)
            {
                try
                {
                    await _receiver.RenewMessageLockAsync(message);
                }
                catch (ServiceBusException ex) when (ex.Reason == ServiceBusFailureReason.MessageLockLost)
                {
                    // Settled meanwhile, or lost already: the broker redelivers it; nothing left to keep.
                    Stop(message);
                }
                catch (Exception ex) when (ex is ServiceBusException or ObjectDisposedException or InvalidOperationException)
                {
                    LogRenewFailed(_logger, ex, message.MessageId);
                }
            }

            if (Interlocked.CompareExchange(ref _ticks, 0, 1) == 1)
            {
                return;
            }

            Volatile.Write(ref _ticks, 1);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing the lock of message {MessageId} failed; retrying at the next period")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception, string messageId);
}
