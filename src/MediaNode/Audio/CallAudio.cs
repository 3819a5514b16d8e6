using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Serverless.MediaNode.Recording;
using Serverless.Shared.Media;
using Serverless.WebRtc.Media;
using Serverless.WebRtc.Peer;

namespace Serverless.MediaNode.Audio;

/// <summary>
/// One call's audio behind its <see cref="AudioPeer"/>: the <see cref="Source"/> the peer sends from, the
/// plan's steps run by <see cref="RunAsync"/>, and the caller's packets (recording, echo) and DTMF taken
/// from the peer by <see cref="Attach"/>. <see cref="CompleteAsync"/> stops it and stores the recording.
/// </summary>
public sealed class CallAudio : IAsyncDisposable
{
    private const int TypeAheadDigits = 64;

    private readonly string _callId;
    private readonly AudioPlan _plan;
    private readonly PromptCache _prompts;
    private readonly IRecordingStore _recordings;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly PlanAudioSource _source = new();
    private readonly SemaphoreSlim _plays = new(1, 1);
    private int _planRunning;
    private readonly Channel<char> _digits = Channel.CreateBounded<char>(
        new BoundedChannelOptions(TypeAheadDigits) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    private readonly Lock _gate = new();
    private CallRecorder? _recorder;
    private volatile bool _recording;
    private long _recordLimitSamples;
    private long _recordStartTimestamp = -1;
    private Task<string?>? _completion;
    private int _receiverHooked;
    private int _started;

    public CallAudio(string callId, AudioPlan plan, PromptCache prompts, IRecordingStore recordings, TimeProvider time, ILogger log)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(recordings);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(log);
        if (plan.Steps.Any(step => step is RecordStep))
        {
            _ = RecordingBlobName.InContainer(callId, RecordingContentTypes.OggOpus); // fail now, not when the call ends
        }

        _callId = callId;
        _plan = plan;
        _prompts = prompts;
        _recordings = recordings;
        _time = time;
        _log = log;
    }

    /// <summary>The host passes it as <see cref="AudioPeerOptions.Source"/>.</summary>
    public IAudioSource Source => _source;

    /// <summary>The host passes it as <see cref="AudioPeerOptions.ReceiveMode"/>: we never decode what we only record or echo.</summary>
    public ReceiveMode ReceiveMode => ReceiveMode.PacketsOnly;

    /// <summary>Caller packets stored in the recording so far.</summary>
    public long PacketsRecorded => _recorder?.PacketsRecorded ?? 0;

    /// <summary>
    /// Takes the peer's DTMF and raw Opus packets. Call once, any time after creating the peer; the packet
    /// hook is set as soon as the peer has its receive stream (after the remote description).
    /// </summary>
    public void Attach(AudioPeer peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        peer.DtmfReceived += (_, digit) => ReceiveDigit(digit);
        peer.StateChanged += (p, _) => HookReceiver(p);
        HookReceiver(peer);
    }

    /// <summary>A DTMF digit from the caller (what <see cref="Attach"/> wires to the peer).</summary>
    public void ReceiveDigit(char digit) => _digits.Writer.TryWrite(digit);

    /// <summary>An Opus packet from the caller, as received (what <see cref="Attach"/> wires to the peer).</summary>
    public void ReceivePacket(ReadOnlySpan<byte> payload, uint rtpTimestamp)
    {
        if (_recording && WithinRecordLimit(rtpTimestamp))
        {
            _recorder?.Append(payload, rtpTimestamp);
        }

        if (_source.Echoing)
        {
            _source.OfferEcho(payload);
        }
    }

    /// <summary>
    /// Runs the plan's steps in order; start it once media is connected. Ends after the last step (raising
    /// <see cref="ICallAudioEvents.PlanFinishedAsync"/> for a non-empty plan) or a hangup step, or throws
    /// <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> is cancelled.
    /// A prompt that cannot be played is logged and skipped. Runs once per call.
    /// </summary>
    public async Task RunAsync(ICallAudioEvents events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("A call's plan runs once.");
        }

        Volatile.Write(ref _planRunning, _plan.Steps.Count > 0 ? 1 : 0);
        try
        {
            await RunStepsAsync(events, cancellationToken);
        }
        finally
        {
            Volatile.Write(ref _planRunning, 0);
        }
    }

    private async Task RunStepsAsync(ICallAudioEvents events, CancellationToken cancellationToken)
    {
        for (var index = 0; index < _plan.Steps.Count; index++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var step = _plan.Steps[index];
            CallAudioLog.StepStarted(_log, _callId, index, step.GetType().Name);
            switch (step)
            {
                case PromptStep prompt:
                    await PlayPromptAsync(index, prompt, cancellationToken);
                    break;
                case ToneStep tone:
                    await _source.PlayAsync(_prompts.GetTone(tone.FrequencyHz, tone.Duration), cancellationToken);
                    break;
                case PauseStep pause:
                    await _source.PauseAsync(Ticks(pause.Duration), cancellationToken);
                    break;
                case CollectDigitsStep collect:
                    var digits = await CollectAsync(collect, cancellationToken);
                    CallAudioLog.DigitsCollected(_log, _callId, digits.Length);
                    if (digits.Length > 0)
                    {
                        await events.DigitsCollectedAsync(digits, cancellationToken);
                    }

                    break;
                case RecordStep record:
                    await RecordAsync(record, cancellationToken);
                    break;
                case EchoStep echo:
                    await _source.EchoAsync(Ticks(echo.Duration), cancellationToken);
                    break;
                case HangupStep:
                    await events.HangupRequestedAsync(cancellationToken);
                    return;
                default:
                    throw new NotSupportedException($"Unknown audio step {step.GetType().Name}.");
            }
        }

        if (_plan.Steps.Count > 0)
        {
            await events.PlanFinishedAsync(cancellationToken);
        }
    }

    /// <summary>True while the plan's steps run: mid-call plays wait for a plan that has finished (or never had steps).</summary>
    public bool IsPlanRunning => Volatile.Read(ref _planRunning) != 0;

    /// <summary>
    /// Plays one item of a mid-call <c>Play</c> command: a prompt (blob or bundled name), a tone or silence; plays
    /// queue behind each other. Completes when it has been sent. Returns false for what this node cannot play
    /// (speech: no TTS here; a prompt without a source; a tone without a frequency) and while the plan is running
    /// (a source plays one clip at a time, and the plan's audio must not be cut).
    /// </summary>
    public async Task<bool> PlayAsync(PlayRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (IsPlanRunning)
        {
            return false;
        }

        await _plays.WaitAsync(cancellationToken);
        try
        {
            return await PlayOneAsync(request, cancellationToken);
        }
        finally
        {
            _plays.Release();
        }
    }

    private async Task<bool> PlayOneAsync(PlayRequest request, CancellationToken cancellationToken)
    {
        var duration = request.Duration ?? TimeSpan.FromSeconds(1);
        switch (request.Kind)
        {
            case PlayKind.Prompt when request.Uri is { } source:
                await PlayPromptAsync(-1, new PromptStep(source.IsAbsoluteUri ? source.AbsoluteUri : source.OriginalString), cancellationToken);
                return true;
            case PlayKind.Tone when request.FrequencyHz is { } hz and > 0 && duration > TimeSpan.Zero:
                await _source.PlayAsync(_prompts.GetTone(hz, duration), cancellationToken);
                return true;
            case PlayKind.Silence when duration > TimeSpan.Zero:
                await _source.PauseAsync(Ticks(duration), cancellationToken);
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// Stops playing and recording and commits the recording (if the plan recorded; its blocks were streamed to
    /// the store during the call) as
    /// <c>recordings/{callId}.ogg|wav</c>; returns that blob name, or null when nothing was recorded.
    /// Calling it again returns the same result, or retries the upload when the previous attempt failed.
    /// </summary>
    public Task<string?> CompleteAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_completion is null || _completion.IsFaulted || _completion.IsCanceled)
            {
                _completion = SaveAsync(cancellationToken);
            }

            return _completion;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _source.Stop();
        _recording = false;
        _digits.Writer.TryComplete();
        Task<string?>? completion;
        lock (_gate)
        {
            completion = _completion;
        }

        if (completion is not null)
        {
            // The caller of CompleteAsync saw any failure; disposal only waits for the upload to end.
            await ((Task)completion).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (_recorder is { } recorder)
        {
            await recorder.DisposeAsync();
        }
    }

    private async Task<string?> SaveAsync(CancellationToken cancellationToken)
    {
        _source.Stop();
        _recording = false;
        var recorder = _recorder;
        if (recorder is null)
        {
            return null;
        }

        var name = await recorder.CompleteAsync(cancellationToken);
        CallAudioLog.RecordingSaved(_log, _callId, name, recorder.PacketsRecorded);
        return name;
    }

    private async Task PlayPromptAsync(int index, PromptStep prompt, CancellationToken cancellationToken)
    {
        ReadOnlyMemory<byte>[] frames;
        try
        {
            frames = await _prompts.GetAsync(prompt.Source, cancellationToken);
        }
        catch (PromptException e)
        {
            CallAudioLog.PromptFailed(_log, _callId, index, e.Error, e.WavError);
            return;
        }

        await _source.PlayAsync(frames, cancellationToken);
    }

    private async Task<string> CollectAsync(CollectDigitsStep step, CancellationToken cancellationToken)
    {
        var digits = new StringBuilder(step.MaxDigits);
        using var timeout = new CancellationTokenSource(step.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            while (digits.Length < step.MaxDigits)
            {
                var digit = await _digits.Reader.ReadAsync(linked.Token);
                if (digit == step.Terminator)
                {
                    break;
                }

                digits.Append(digit);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The step's timeout: report what arrived.
        }
        catch (ChannelClosedException)
        {
            // Disposed mid-step.
        }

        return digits.ToString();
    }

    // One recording per call: a later record step appends to the same file (same format as the first).
    private async Task RecordAsync(RecordStep step, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_completion is not null)
            {
                return;
            }

            _recorder ??= new CallRecorder(_callId, step.Format, _prompts.Codecs, _recordings);
            _recordLimitSamples = (long)(step.MaxDuration.TotalSeconds * OpusCodec.SampleRate);
            _recordStartTimestamp = -1;
            _recording = true;
        }

        try
        {
            await Task.Delay(step.MaxDuration, _time, cancellationToken);
        }
        finally
        {
            _recording = false;
        }
    }

    // The step ends on the clock, but the recording holds at most MaxDuration of media time (RTP timestamps), so a
    // late timer on a busy node never records more than was asked. Receive thread only.
    private bool WithinRecordLimit(uint rtpTimestamp)
    {
        if (_recordStartTimestamp < 0)
        {
            _recordStartTimestamp = rtpTimestamp;
        }

        return unchecked(rtpTimestamp - (uint)_recordStartTimestamp) < _recordLimitSamples;
    }

    private void HookReceiver(AudioPeer peer)
    {
        if (peer.Receiver is { } receiver && Interlocked.Exchange(ref _receiverHooked, 1) == 0)
        {
            receiver.OpusPacketReceived = (payload, timestamp, _) => ReceivePacket(payload, timestamp);
        }
    }

    private static int Ticks(TimeSpan duration) => (int)Math.Max(1, Math.Round(duration / OpusCodec.FrameDuration));
}
