using Serverless.Shared.AudioPlans;
using Serverless.WebRtc.Media;

namespace Serverless.MediaNode.Audio;

/// <summary>The agent side of a bridged call, as the plan sees it; the session owns its peer.</summary>
public interface IAgentLeg
{
    /// <summary>The leg's id (from <c>ConnectAgent</c>).</summary>
    string LegId { get; }

    /// <summary>What the caller hears from the agent: the agent's Opus packets as received, nothing while muted (the WhatsApp leg then sends silence).</summary>
    IAudioSource FromAgent { get; }

    /// <summary>Receive thread of the WhatsApp leg: one of the caller's Opus packets, forwarded to the agent as it is.</summary>
    void OfferCallerPacket(ReadOnlySpan<byte> payload);

    /// <summary>A digit the caller pressed, re-sent to the agent as RFC 4733.</summary>
    void OfferCallerDigit(char digit);

    /// <summary>Completes when the leg ended (disconnect, failure, the browser's BYE, the call's end).</summary>
    Task Ended { get; }
}

/// <summary>
/// One <c>connectAgent</c> step waiting for an agent. A <c>ConnectAgent</c> claims it (only one at a time: a second
/// agent is not waiting for); the claimed leg then connects (the bridge starts) or fails (the wait resumes). The
/// step's timeout ends an unclaimed wait; a claimed one only when its leg fails, so an agent who accepted in time is
/// not cut off by a slow handshake.
/// </summary>
public sealed class AgentWait
{
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource<IAgentLeg?> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private State _state;
    private bool _expired;

    internal AgentWait(ConnectAgentStep step) => Step = step;

    private enum State
    {
        Waiting,
        Claimed,
        Done,
    }

    /// <summary>The step.</summary>
    public ConnectAgentStep Step { get; }

    /// <summary>The bridged leg, or null when the wait ended without one (timeout).</summary>
    internal Task<IAgentLeg?> Outcome => _outcome.Task;

    /// <summary>Claims the wait for a new leg; false when it is claimed already or over.</summary>
    public bool TryClaim()
    {
        lock (_gate)
        {
            if (_state != State.Waiting)
            {
                return false;
            }

            _state = State.Claimed;
            return true;
        }
    }

    /// <summary>The claiming leg's media flows: the bridge starts. False when the wait is over (the call ended).</summary>
    public bool Connect(IAgentLeg leg)
    {
        lock (_gate)
        {
            if (_state != State.Claimed)
            {
                return false;
            }

            _state = State.Done;
        }

        return _outcome.TrySetResult(leg);
    }

    /// <summary>The claiming leg failed before media flowed: the wait resumes, or ends when its time is up.</summary>
    public void Release()
    {
        lock (_gate)
        {
            if (_state != State.Claimed)
            {
                return;
            }

            _state = _expired ? State.Done : State.Waiting;
        }

        if (_expired)
        {
            _outcome.TrySetResult(null);
        }
    }

    // The step's timeout.
    internal void Expire()
    {
        lock (_gate)
        {
            _expired = true;
            if (_state != State.Waiting)
            {
                return;
            }

            _state = State.Done;
        }

        _outcome.TrySetResult(null);
    }

    // The step is over (the call ended): later claims and connects are refused.
    internal void Close()
    {
        lock (_gate)
        {
            _state = State.Done;
        }

        _outcome.TrySetCanceled();
    }
}
