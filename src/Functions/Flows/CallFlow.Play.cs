using Microsoft.Extensions.Logging;
using Serverless.Functions.Calls;
using Serverless.Shared.Media;

namespace Serverless.Functions.Flows;

public sealed partial class CallFlow
{
    /// <summary>
    /// Mid-call play (play API): the store counts the play on a Connected call (PlayRequested, in the history), and
    /// only then is the <see cref="Play"/> command sent to the owning node. Refused for a call in any other state.
    /// </summary>
    public async Task<(ApplyResult Result, string PlayId)> PlayAsync(string callId, PlayRequest request, string what, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var playId = CallCommands.NewPlayId();
        var result = await ApplyAsync(callId, new CallTrigger.PlayRequested(playId, what), CallDedupKeys.ApiPlay(callId, playId), cancellationToken);
        if (result.Status == ApplyStatus.Applied)
        {
            await _commands.SendAsync(CallCommands.Play(result.Call!, playId, request, _time.GetUtcNow()), cancellationToken);
        }

        return (result, playId);
    }

    /// <summary>
    /// The node's PlaybackFinished for one of our Play commands (its <c>playMessageId</c> names the play): recorded as
    /// PlayFinished and announced as <c>call.playbackFinished</c>. It never ends the call: only the plan's end does
    /// (<see cref="OnPlaybackFinishedAsync"/>, a PlaybackFinished without a play id).
    /// </summary>
    public async Task<ApplyResult> OnPlayFinishedAsync(string callId, string playMessageId, string eventId, CancellationToken cancellationToken)
    {
        if (!CallCommands.TryParsePlayId(callId, playMessageId, out var playId))
        {
            // Not a play this app sent: recorded (and refused by nothing), but there is no play to announce.
            LogForeignPlay(callId, playMessageId.Length);
            playId = "unknown";
        }

        var result = await ApplyAsync(callId, new CallTrigger.PlayFinished(playId), CallDedupKeys.MediaEvent(eventId), cancellationToken);
        if (playId != "unknown")
        {
            await _callbacks.OnPlaybackFinishedAsync(result, playId, cancellationToken);
        }

        return result;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Call {CallId}: PlaybackFinished names no play of this call ({Length} characters)")]
    private partial void LogForeignPlay(string callId, int length);
}
