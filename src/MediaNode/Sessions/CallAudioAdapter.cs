using Serverless.MediaNode.Audio;
using Serverless.Shared.Media;
using Serverless.WebRtc.Media;
using Serverless.WebRtc.Peer;
using Serverless.Shared.AudioPlans;

namespace Serverless.MediaNode.Sessions;

/// <summary>
/// The session's view of <see cref="CallAudio"/>. Each collect step's result is reported when the step ends; a digit
/// no collect step waits for is reported as it arrives, so a dialler always sees what the caller pressed.
/// </summary>
internal sealed class CallAudioAdapter(CallAudio inner) : ICallAudio, ICallAudioEvents
{
    private volatile ICallAudioCallbacks? _callbacks;

    public IAudioSource? Source => inner.Source;

    public ReceiveMode ReceiveMode => inner.ReceiveMode;

    public void Attach(AudioPeer peer)
    {
        inner.Attach(peer);
        inner.UnpromptedDigit += digit => _callbacks?.DigitsReceivedAsync(digit.ToString());
    }

    public Task RunAsync(ICallAudioCallbacks callbacks, CancellationToken cancellationToken)
    {
        _callbacks = callbacks;
        return inner.RunAsync(this, cancellationToken);
    }

    // Refused while the plan runs (its audio is not cut); plays queue behind each other and are reported as
    // PlaybackFinished{playMessageId} once sent.
    public bool TryPlay(PlayRequest request, string playMessageId)
    {
        if (inner.IsPlanRunning || request.Kind == PlayKind.Speech || (request.Kind == PlayKind.Prompt && request.Uri is null)
            || (request.Kind == PlayKind.Tone && request.FrequencyHz is not > 0))
        {
            return false;
        }

        _ = PlayAndReportAsync(request, playMessageId);
        return true;
    }

    private async Task PlayAndReportAsync(PlayRequest request, string playMessageId)
    {
        try
        {
            if (await inner.PlayAsync(request, CancellationToken.None) && _callbacks is { } callbacks)
            {
                await callbacks.PlanFinishedAsync(playMessageId);
            }
        }
        catch (OperationCanceledException)
        {
            // The call ended while this was queued.
        }
    }

    public Task<RecordingInfo?> CompleteAsync(CancellationToken cancellationToken) => inner.CompleteAsync(cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    ValueTask ICallAudioEvents.InputCollectedAsync(int stepIndex, DigitInput input, CancellationToken cancellationToken) =>
        new(_callbacks!.InputCollectedAsync(stepIndex, input));

    ValueTask ICallAudioEvents.PlanFinishedAsync(CancellationToken cancellationToken) => new(_callbacks!.PlanFinishedAsync(null));

    ValueTask ICallAudioEvents.HangupRequestedAsync(CancellationToken cancellationToken) => new(_callbacks!.HangupRequestedAsync());
}
