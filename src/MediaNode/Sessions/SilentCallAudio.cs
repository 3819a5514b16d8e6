using System.Text.Json;
using Serverless.Shared.Media;
using Serverless.WebRtc.Media;
using Serverless.WebRtc.Peer;

namespace Serverless.MediaNode.Sessions;

/// <summary>
/// The default audio when no Audio module is registered: the default plan (play nothing, keep the line
/// open with the peer's Opus silence until hung up) and each DTMF digit reported as it arrives. Plans with steps
/// are refused rather than ignored, so a call never silently runs without the audio it asked for.
/// </summary>
public sealed class SilentCallAudioFactory : ICallAudioFactory
{
    /// <inheritdoc />
    public bool TryCreate(string callId, JsonElement? audioPlan, out ICallAudio? audio, out string? error)
    {
        if (audioPlan is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } plan
            && !(plan.ValueKind == JsonValueKind.Object && !plan.EnumerateObject().Any()))
        {
            audio = null;
            error = "This node has no audio module for audio plans with steps.";
            return false;
        }

        audio = new SilentCallAudio();
        error = null;
        return true;
    }
}

/// <summary>Silence out, DTMF digits reported one by one, no recording.</summary>
internal sealed class SilentCallAudio : ICallAudio
{
    private readonly TaskCompletionSource<ICallAudioCallbacks> _callbacks = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private AudioPeer? _peer;

    public IAudioSource? Source => null;

    public ReceiveMode ReceiveMode => ReceiveMode.PacketsOnly;

    public void Attach(AudioPeer peer)
    {
        _peer = peer;
        peer.DtmfReceived += OnDigit;
    }

    public async Task RunAsync(ICallAudioCallbacks callbacks, CancellationToken cancellationToken)
    {
        _callbacks.TrySetResult(callbacks);
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Hangup: the default plan simply keeps the line open until then.
        }
    }

    public bool TryPlay(PlayRequest request, string playMessageId) => false;

    public Task<string?> CompleteAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    public ValueTask DisposeAsync()
    {
        if (_peer is not null)
        {
            _peer.DtmfReceived -= OnDigit;
        }

        return ValueTask.CompletedTask;
    }

    private void OnDigit(AudioPeer peer, char digit)
    {
        if (_callbacks.Task.IsCompletedSuccessfully)
        {
            // The session's callback queues the event in the outbox; it does not block the receive thread.
            _ = _callbacks.Task.Result.DigitsCollectedAsync(digit.ToString());
        }
    }
}
