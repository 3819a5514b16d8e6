using Serverless.Functions.Calls;

namespace Serverless.Functions.Callbacks;

/// <summary>
/// The one list of status-callback event types (<see cref="CallbackEvent.Type"/>); README.md in this folder documents
/// each. Receivers branch on these strings, so they never change.
/// </summary>
public static class CallbackEventTypes
{
    /// <summary>The call was created (first event of every call).</summary>
    public const string Preparing = "call.preparing";

    /// <summary>Outbound: the user's phone rings.</summary>
    public const string Ringing = "call.ringing";

    /// <summary>Inbound: Meta offered the user's call.</summary>
    public const string Offered = "call.offered";

    /// <summary>Inbound: we are accepting the user's call.</summary>
    public const string Accepting = "call.accepting";

    /// <summary>Audio flows both ways.</summary>
    public const string Connected = "call.connected";

    /// <summary>A collect step of the audio plan completed, or the user pressed keys outside one (<c>input</c>).</summary>
    public const string Input = "call.input";

    /// <summary>
    /// Reserved: a mid-call play (<c>POST /api/calls/{id}/play</c>) finished. Emitted by the mid-call control feature.
    /// </summary>
    public const string PlaybackFinished = "call.playbackFinished";

    /// <summary>An agent's browser leg connected to the call from the agent console (<c>agent</c>, <c>queue</c>).</summary>
    public const string AgentConnected = "call.agentConnected";

    /// <summary>
    /// The call is over (state <c>ended</c> or <c>failed</c>), sent once with its outcome, inputs, recording, media
    /// statistics and last error, after the media node's final report (or once that is overdue).
    /// </summary>
    public const string Ended = "call.ended";

    /// <summary>Every type above, for documentation and tests.</summary>
    public static IReadOnlyList<string> All { get; } = [Preparing, Ringing, Offered, Accepting, Connected, Input, PlaybackFinished, AgentConnected, Ended];

    /// <summary>The event of a change into a non-final <paramref name="state"/>: <c>call.&lt;state&gt;</c>.</summary>
    public static string ForState(CallState state) => state.IsFinal()
        ? throw new ArgumentOutOfRangeException(nameof(state), state, "A final state is reported once, as call.ended.")
        : "call." + WireText.Of(state);
}
