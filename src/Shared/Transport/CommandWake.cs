namespace Serverless.Shared.Transport;

/// <summary>
/// Ends a polling receiver's wait at once when the sender says a command was just queued (the <c>/wake</c> doorbell,
/// local only: see <see cref="MediaTransportOptions.WakeUrls"/>). Storage Queues cannot long-poll, so without it a
/// command waits for the next poll (up to <see cref="MediaTransportOptions.ActivePollInterval"/>); Service Bus pushes
/// to its long-polling receiver and needs none. A wake that arrives while a round is already asking the queues (the
/// round may have missed the message) makes the next round start at once too: wakes are counted, not just signalled.
/// </summary>
public sealed class CommandWake
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _next = NewSignal();
    private long _wakes;

    /// <summary>Wakes received so far; read before a round, passed to <see cref="WaitAsync"/> after it.</summary>
    public long Count
    {
        get
        {
            lock (_gate)
            {
                return _wakes;
            }
        }
    }

    /// <summary>Ends the current (or, if none, the next) wait.</summary>
    public void Wake()
    {
        TaskCompletionSource woken;
        lock (_gate)
        {
            _wakes++;
            woken = _next;
            _next = NewSignal();
        }

        woken.TrySetResult();
    }

    /// <summary>
    /// Waits <paramref name="wait"/>, or less: returns at once when a wake came after <paramref name="seen"/> was read,
    /// and as soon as one comes.
    /// </summary>
    public async Task WaitAsync(long seen, TimeSpan wait, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(time);
        Task woken;
        lock (_gate)
        {
            if (_wakes != seen)
            {
                return;
            }

            woken = _next.Task;
        }

        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var elapsed = Task.Delay(wait, time, timer.Token);
        await Task.WhenAny(woken, elapsed).ConfigureAwait(false);
        await timer.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
