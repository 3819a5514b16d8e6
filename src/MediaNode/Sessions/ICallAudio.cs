using Serverless.Shared.Media;
using Serverless.WebRtc.Media;
using Serverless.WebRtc.Peer;

namespace Serverless.MediaNode.Sessions;

/// <summary>
/// One call's audio as the session sees it: what the peer sends, how it receives, and the plan that runs once
/// media is connected. The Audio module's <c>CallAudio</c> is adapted to this; the session never plays audio itself.
/// </summary>
public interface ICallAudio : IAsyncDisposable
{
    /// <summary>What the peer sends (null: the peer's own silence).</summary>
    IAudioSource? Source { get; }

    /// <summary>How the peer handles received audio.</summary>
    ReceiveMode ReceiveMode { get; }

    /// <summary>Hooks the peer's receive side (recording, DTMF) once it exists.</summary>
    void Attach(AudioPeer peer);

    /// <summary>Runs the plan after media connected, reporting through <paramref name="callbacks"/>, until it ends or is cancelled.</summary>
    Task RunAsync(ICallAudioCallbacks callbacks, CancellationToken cancellationToken);

    /// <summary>A <c>Play</c> command; false when this audio cannot play <paramref name="request"/>.</summary>
    bool TryPlay(PlayRequest request, string playMessageId);

    /// <summary>The plan's connectAgent step waiting for an agent now, or null when none waits.</summary>
    Audio.AgentWait? WaitingForAgent { get; }

    /// <summary>Stops the plan and finishes the recording; returns what was stored, or null when not recorded.</summary>
    Task<RecordingInfo?> CompleteAsync(CancellationToken cancellationToken);
}

/// <summary>What the audio of a call reports back to its session.</summary>
public interface ICallAudioCallbacks
{
    /// <summary>The caller pressed <paramref name="digits"/> while no collect step was waiting for them.</summary>
    Task DigitsReceivedAsync(string digits);

    /// <summary>A collect step (of the plan or a play's thenCollect; the input carries the step's name) ended with <paramref name="input"/>.</summary>
    Task InputCollectedAsync(DigitInput input);

    /// <summary>The plan (or a played item, named by <paramref name="playMessageId"/>) finished.</summary>
    Task PlanFinishedAsync(string? playMessageId);

    /// <summary>A stream step of the plan ended with <paramref name="result"/>.</summary>
    Task StreamEndedAsync(StreamResult result);

    /// <summary>The plan asks to end the call.</summary>
    Task HangupRequestedAsync();

    /// <summary>A connectAgent step waits for an agent of <paramref name="queue"/>.</summary>
    Task AgentRequestedAsync(string queue, int timeoutSeconds);

    /// <summary>A connectAgent step stopped waiting without an agent.</summary>
    Task AgentRequestEndedAsync(string queue, AgentRequestEndReason reason);
}

/// <summary>Creates a call's audio from the audio plan of its start command.</summary>
public interface ICallAudioFactory
{
    /// <summary>False (with a reason for logs) when <paramref name="audioPlan"/> is not a plan this node can run.</summary>
    bool TryCreate(string callId, System.Text.Json.JsonElement? audioPlan, out ICallAudio? audio, out string? error);
}
