using Serverless.Shared.Media;

namespace Serverless.Shared.Transport;

/// <summary>
/// Keeps one call's commands in order on the node that owns it. The sender numbers each call's commands
/// (<see cref="MediaCommand.Sequence"/>: start = 0, follow-ups 1, 2, …); a queue may hand them over out of order
/// (Storage Queues are not FIFO, redelivery reorders), so a follow-up whose predecessor is not done is held back
/// and retried later. Tracking begins with the call's start command on this node; for a call the node never
/// started (e.g. after a restart) there is no order to keep and the handler decides.
/// </summary>
public sealed class CallSequenceGate
{
    private readonly Dictionary<string, long> _nextSequence = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Number of calls whose order is tracked.</summary>
    public int TrackedCalls
    {
        get
        {
            lock (_lock)
            {
                return _nextSequence.Count;
            }
        }
    }

    /// <summary>Decides whether <paramref name="command"/> may run now; a start command begins tracking its call.</summary>
    public SequenceDecision Check(MediaCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        lock (_lock)
        {
            if (!_nextSequence.TryGetValue(command.CallId, out var next))
            {
                if (command.StartsCall)
                {
                    // Follow-ups that overtake the start command must wait for it.
                    _nextSequence[command.CallId] = command.Sequence;
                }

                return SequenceDecision.Ready;
            }

            return command.Sequence == next ? SequenceDecision.Ready
                : command.Sequence > next ? SequenceDecision.HoldBack
                : SequenceDecision.AlreadyPassed;
        }
    }

    /// <summary>
    /// Records that <paramref name="command"/> is done (handled, or dead-lettered so it will never be), letting its
    /// successor run. A <see cref="Hangup"/> ends tracking of the call.
    /// </summary>
    public void Advance(MediaCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        lock (_lock)
        {
            if (command is Hangup)
            {
                _nextSequence.Remove(command.CallId);
                return;
            }

            if (_nextSequence.TryGetValue(command.CallId, out var next))
            {
                _nextSequence[command.CallId] = Math.Max(next, command.Sequence + 1);
            }
        }
    }

    /// <summary>Stops tracking a call the node released without a <see cref="Hangup"/> (e.g. media failed).</summary>
    public void Forget(string callId)
    {
        lock (_lock)
        {
            _nextSequence.Remove(callId);
        }
    }
}
