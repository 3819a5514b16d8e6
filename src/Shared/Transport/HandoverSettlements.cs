namespace Serverless.Shared.Transport;

/// <summary>
/// The node's commands that were handled but whose message waits for the reply's handover before it is settled
/// (<see cref="ICommandHandler.Handover"/>). One per node (<see cref="CommandProcessorFactory"/>), shared by every
/// processor, so the count and the wait cover both queues.
/// </summary>
public sealed class HandoverSettlements
{
    private readonly HashSet<Task> _pending = [];
    private readonly Dictionary<string, int> _messageIds = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Messages handled and not yet settled because their reply is still on its way.</summary>
    public int Pending
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Completes when every settlement tracked so far has finished.</summary>
    public Task WhenAllSettledAsync()
    {
        lock (_lock)
        {
            return Task.WhenAll([.. _pending]);
        }
    }

    /// <summary>Whether a copy of the command <paramref name="messageId"/> is handled here and waits for its reply.</summary>
    public bool IsPending(string messageId)
    {
        lock (_lock)
        {
            return _messageIds.ContainsKey(messageId);
        }
    }

    internal void Track(string messageId, Task settlement)
    {
        // Waiters get a task that ends only after the bookkeeping below, so whoever awaits the settlement sees the
        // message as no longer pending here (a redelivery right after is run, not taken for a duplicate).
        var untracked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (settlement.IsCompleted)
            {
                return;
            }

            _pending.Add(untracked.Task);
            _messageIds[messageId] = _messageIds.GetValueOrDefault(messageId) + 1;
        }

        _ = settlement.ContinueWith(
            _ =>
            {
                lock (_lock)
                {
                    _pending.Remove(untracked.Task);
                    if (--_messageIds[messageId] == 0)
                    {
                        _messageIds.Remove(messageId);
                    }
                }

                untracked.SetResult();
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }
}
