using Serverless.MediaNode.Audio;
using Serverless.Shared.Media;
using Serverless.WebRtc.Media;
using Serverless.WebRtc.Peer;

namespace Serverless.MediaNode.Sessions;

/// <summary>
/// The session's view of <see cref="CallAudio"/>. Digits a plan (or a play's thenCollect) collects are reported when
/// collected; when the plan collects none, every other digit is reported as it arrives, so a dialler always sees what
/// the caller pressed.
/// </summary>
internal sealed class CallAudioAdapter(CallAudio inner, AudioPlan plan) : ICallAudio, ICallAudioEvents
{
    private readonly bool _planCollectsDigits = plan.Steps.OfType<CollectDigitsStep>().Any();
    private readonly CancellationTokenSource _stop = new();
    private volatile ICallAudioCallbacks? _callbacks;

    public IAudioSource? Source => inner.Source;

    public ReceiveMode ReceiveMode => inner.ReceiveMode;

    public void Attach(AudioPeer peer)
    {
        inner.Attach(peer);
        if (!_planCollectsDigits)
        {
            // A play's thenCollect reports what it collects; meanwhile single digits are not reported twice.
            peer.DtmfReceived += (_, digit) =>
            {
                if (!inner.PlayCollectPending)
                {
                    _callbacks?.DigitsCollectedAsync(digit.ToString());
                }
            };
        }
    }

    public Task RunAsync(ICallAudioCallbacks callbacks, CancellationToken cancellationToken)
    {
        _callbacks = callbacks;
        return inner.RunAsync(this, cancellationToken);
    }

    // Plays go over a running plan (CallAudio holds the plan's audio meanwhile) and queue behind each other. Each is
    // reported as PlaybackFinished{playMessageId} once sent; its thenCollect digits follow as the plan's collects do.
    public bool TryPlay(PlayRequest request, string playMessageId)
    {
        if (request.Kind == PlayKind.Speech || (request.Kind == PlayKind.Prompt && request.Uri is null)
            || (request.Kind == PlayKind.Tone && request.FrequencyHz is not > 0))
        {
            return false;
        }

        _ = PlayAndReportAsync(request, playMessageId, _stop.Token);
        return true;
    }

    private async Task PlayAndReportAsync(PlayRequest request, string playMessageId, CancellationToken cancellationToken)
    {
        try
        {
            if (!await inner.PlayAsync(request, cancellationToken) || _callbacks is not { } callbacks)
            {
                return;
            }

            await callbacks.PlanFinishedAsync(playMessageId);
            if (request.Collect is { } collect)
            {
                var digits = await inner.CollectAsync(new CollectDigitsStep(collect.MaxDigits, collect.Terminator, collect.Timeout), cancellationToken);
                if (digits.Length > 0)
                {
                    await callbacks.DigitsCollectedAsync(digits);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The call ended while this was queued or playing.
        }
    }

    public async Task<string?> CompleteAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();
        return await inner.CompleteAsync(cancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        _stop.Dispose();
        return inner.DisposeAsync();
    }
    ValueTask ICallAudioEvents.DigitsCollectedAsync(string digits, CancellationToken cancellationToken) => new(_callbacks!.DigitsCollectedAsync(digits));

    ValueTask ICallAudioEvents.PlanFinishedAsync(CancellationToken cancellationToken) => new(_callbacks!.PlanFinishedAsync(null));

    ValueTask ICallAudioEvents.HangupRequestedAsync(CancellationToken cancellationToken) => new(_callbacks!.HangupRequestedAsync());
}
