using Serverless.Shared.Media;

namespace Serverless.MediaNode.Audio;

/// <summary>What a running plan tells the host (which turns them into MediaNode events).</summary>
public interface ICallAudioEvents
{
    /// <summary>A collect step ended (also with no digits, on its timeout or the call's end).</summary>
    ValueTask InputCollectedAsync(int stepIndex, DigitInput input, CancellationToken cancellationToken);

    /// <summary>The last step of a non-empty plan ended (-> PlaybackFinished). Not raised after a hangup step.</summary>
    ValueTask PlanFinishedAsync(CancellationToken cancellationToken);

    /// <summary>A stream step ended (agent closed, timeout, connect failure, the call's end); the plan goes on.</summary>
    ValueTask StreamEndedAsync(int stepIndex, StreamResult result, CancellationToken cancellationToken);

    /// <summary>A connectAgent step began waiting for an agent (the hold prompt plays).</summary>
    ValueTask AgentRequestedAsync(string queue, int timeoutSeconds, CancellationToken cancellationToken);

    /// <summary>A connectAgent step stopped waiting without an agent (its timeout, or the call's end).</summary>
    ValueTask AgentRequestEndedAsync(string queue, AgentRequestEndReason reason, CancellationToken cancellationToken);

    /// <summary>The plan reached a hangup step; later steps never run.</summary>
    ValueTask HangupRequestedAsync(CancellationToken cancellationToken);
}
