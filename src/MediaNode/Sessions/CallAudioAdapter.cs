using Serverless.MediaNode.Audio;
using Serverless.Shared.AudioPlans;
using Serverless.Shared.Media;
using Serverless.WebRtc.Media;
using Serverless.WebRtc.Peer;

namespace Serverless.MediaNode.Sessions;

/// <summary>
/// The session's view of <see cref="CallAudio"/>. Each collect step's result (and a play's thenCollect) is reported
/// when it ends; a digit no collect waits for is reported as it arrives, so a dialler always sees what the caller
/// pressed.
/// </summary>
internal sealed class CallAudioAdapter(CallAudio inner) : ICallAudio, ICallAudioEvents
{
    private readonly CancellationTokenSource _stop = new();
    private volatile ICallAudioCallbacks? _callbacks;

    public IAudioSource? Source => inner.Source;

    public ReceiveMode ReceiveMode => inner.ReceiveMode;

    public AgentWait? WaitingForAgent => inner.WaitingForAgent;

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

    // Plays go over a running plan (CallAudio holds the plan's audio meanwhile) and queue behind each other. Each is
    // reported as PlaybackFinished{playMessageId} once sent; its thenCollect result follows as a plan's collect does.
    public bool TryPlay(PlayRequest request, string playMessageId)
    {
        if ((request.Kind == PlayKind.Prompt && request.Uri is null)
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
                var step = new CollectDigitsStep(collect.MaxDigits, collect.Terminator, collect.Timeout) { Name = collect.Name };
                var input = await inner.CollectAsync(step, cancellationToken);
                await callbacks.InputCollectedAsync(input);
            }
        }
        catch (OperationCanceledException)
        {
            // The call ended while this was queued or playing.
        }
    }

    public async Task<RecordingInfo?> CompleteAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();
        return await inner.CompleteAsync(cancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        _stop.Dispose();
        return inner.DisposeAsync();
    }

    ValueTask ICallAudioEvents.InputCollectedAsync(int stepIndex, DigitInput input, CancellationToken cancellationToken) =>
        new(_callbacks!.InputCollectedAsync(input));

    ValueTask ICallAudioEvents.PlanFinishedAsync(CancellationToken cancellationToken) => new(_callbacks!.PlanFinishedAsync(null));

    ValueTask ICallAudioEvents.StreamEndedAsync(int stepIndex, StreamResult result, CancellationToken cancellationToken) =>
        new(_callbacks!.StreamEndedAsync(result));

    ValueTask ICallAudioEvents.HangupRequestedAsync(CancellationToken cancellationToken) => new(_callbacks!.HangupRequestedAsync());

    ValueTask ICallAudioEvents.AgentRequestedAsync(string queue, int timeoutSeconds, CancellationToken cancellationToken) =>
        new(_callbacks!.AgentRequestedAsync(queue, timeoutSeconds));

    ValueTask ICallAudioEvents.AgentRequestEndedAsync(string queue, AgentRequestEndReason reason, CancellationToken cancellationToken) =>
        new(_callbacks!.AgentRequestEndedAsync(queue, reason));
}
