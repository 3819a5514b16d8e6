using Serverless.MediaNode.Audio;
using Serverless.Shared.Media;
using Serverless.WebRtc.Media;
using Serverless.WebRtc.Peer;
using Serverless.Shared.AudioPlans;

namespace Serverless.MediaNode.Sessions;

/// <summary>
/// The session's view of <see cref="CallAudio"/>. Digits a plan collects are reported when collected; when the plan
/// collects none, every digit is reported as it arrives, so a dialler always sees what the caller pressed.
/// </summary>
internal sealed class CallAudioAdapter(CallAudio inner, AudioPlan plan) : ICallAudio, ICallAudioEvents
{
    private readonly bool _planCollectsDigits = plan.Steps.OfType<CollectDigitsStep>().Any();
    private volatile ICallAudioCallbacks? _callbacks;

    public IAudioSource? Source => inner.Source;

    public ReceiveMode ReceiveMode => inner.ReceiveMode;

    public void Attach(AudioPeer peer)
    {
        inner.Attach(peer);
        if (!_planCollectsDigits)
        {
            peer.DtmfReceived += (_, digit) => _callbacks?.DigitsCollectedAsync(digit.ToString());
        }
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

    public Task<string?> CompleteAsync(CancellationToken cancellationToken) => inner.CompleteAsync(cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    ValueTask ICallAudioEvents.DigitsCollectedAsync(string digits, CancellationToken cancellationToken) => new(_callbacks!.DigitsCollectedAsync(digits));

    ValueTask ICallAudioEvents.PlanFinishedAsync(CancellationToken cancellationToken) => new(_callbacks!.PlanFinishedAsync(null));

    ValueTask ICallAudioEvents.HangupRequestedAsync(CancellationToken cancellationToken) => new(_callbacks!.HangupRequestedAsync());
}
