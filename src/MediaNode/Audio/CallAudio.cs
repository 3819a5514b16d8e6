using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Serverless.MediaNode.Audio.Streaming;
using Serverless.MediaNode.Recording;
using Serverless.Shared.Media;
using Serverless.WebRtc.Media;
using Serverless.WebRtc.Peer;
using Serverless.Shared.AudioPlans;

namespace Serverless.MediaNode.Audio;

/// <summary>
/// One call's audio behind its <see cref="AudioPeer"/>: the <see cref="Source"/> the peer sends from, the
/// plan's steps run by <see cref="RunAsync"/>, and the caller's packets (recording, echo) and DTMF taken
/// from the peer by <see cref="Attach"/>. <see cref="CompleteAsync"/> stops it and stores the recording.
/// Mid-call plays over the running plan are in CallAudio.Play.cs.
/// </summary>
public sealed partial class CallAudio : IAsyncDisposable
{
    private const int TypeAheadDigits = 64;

    // How long a record step waits past its MaxDuration for the caller's media to fill it (late packets, busy node).
    private static readonly TimeSpan RecordLateness = TimeSpan.FromSeconds(1);

    // Media counts as still flowing at the step's deadline when a packet came within this (five 20 ms frames).
    private static readonly TimeSpan StillFlowing = TimeSpan.FromMilliseconds(100);

    private readonly string _callId;
    private readonly AudioPlan _plan;
    private readonly PromptCache _prompts;
    private readonly IRecordingStore _recordings;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly PlanAudioSource _source = new();
    private readonly SemaphoreSlim _plays = new(1, 1);
    private readonly SemaphoreSlim _collecting = new(1, 1);
    private volatile CancellationTokenSource? _bargeIn;
    private int _playCollects;
    private int _planRunning;
    private readonly Channel<char> _digits = Channel.CreateBounded<char>(
        new BoundedChannelOptions(TypeAheadDigits) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    private readonly StreamUrlPolicy _streamUrls;
    private readonly StreamCredentials _streamCredentials;
    private readonly Lock _gate = new();
    private CallRecorder? _recorder;
    private volatile bool _recording;
    private long _recordLimitSamples;
    private long _recordStartTimestamp = -1;
    private volatile CancellationTokenSource? _recordFull;
    private long _lastRecordedAt;
    private Task<RecordingInfo?>? _completion;
    private int _receiverHooked;
    private int _started;

    // Index of the plan's last collect step: digits go to the collect queue while one is still ahead (type-ahead),
    // and are reported as they arrive (UnpromptedDigit) once none is.
    private readonly int _lastCollectIndex;
    private int _currentStep;

    // The running stream step's agent connection, if any: it gets the caller's packets and digits.
    private volatile AgentStream? _stream;

    // The connectAgent step waiting for an agent, and the bridged agent leg while one is connected.
    private volatile AgentWait? _agentWait;
    private volatile IAgentLeg? _agent;

    public CallAudio(string callId, AudioPlan plan, PromptCache prompts, IRecordingStore recordings, TimeProvider time, ILogger log, StreamUrlPolicy? streamUrls = null, StreamCredentials? streamCredentials = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(recordings);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(log);
        if (plan.Steps.Any(step => step is RecordStep or ConnectAgentStep { Record: not null } || (step is ConnectAgentStep agent && agent.OnNoAgent.Any(s => s is RecordStep))))
        {
            _ = RecordingBlobName.InContainer(callId, RecordingContentTypes.OggOpus); // fail now, not when the call ends
        }

        _callId = callId;
        _plan = plan;
        _lastCollectIndex = -1;
        for (var i = 0; i < plan.Steps.Count; i++)
        {
            // A record step with a terminator reads digits too (its terminator ends it).
            _lastCollectIndex = ReadsDigits(plan.Steps[i]) || (plan.Steps[i] is StreamStep stream && stream.OnError.Any(ReadsDigits))
                || (plan.Steps[i] is ConnectAgentStep agent && agent.OnNoAgent.Any(ReadsDigits)) ? i : _lastCollectIndex;
        }

        _prompts = prompts;
        _recordings = recordings;
        _streamUrls = streamUrls ?? StreamUrlPolicy.Secure;
        _streamCredentials = streamCredentials ?? StreamCredentials.None;
        _time = time;
        _log = log;
    }

    private static bool ReadsDigits(AudioStep step) => step is CollectDigitsStep or RecordStep { Terminator: not null };

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

    /// <summary>A digit pressed while no collect step of the plan (nor a play's thenCollect) is waiting or still ahead.</summary>
    public event Action<char>? UnpromptedDigit;

    /// <summary>A DTMF digit from the caller (what <see cref="Attach"/> wires to the peer); it barges in on a play that allows it.</summary>
    public void ReceiveDigit(char digit)
    {
        _stream?.OfferDigit(digit);
        _agent?.OfferCallerDigit(digit);
        if (CollectAhead || PlayCollectPending)
        {
            _digits.Writer.TryWrite(digit);
        }
        else
        {
            UnpromptedDigit?.Invoke(digit);
        }

        try
        {
            _bargeIn?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // That play ended meanwhile.
        }
    }

    private bool CollectAhead => Volatile.Read(ref _currentStep) <= _lastCollectIndex;

    /// <summary>An Opus packet from the caller, as received (what <see cref="Attach"/> wires to the peer).</summary>
    public void ReceivePacket(ReadOnlySpan<byte> payload, uint rtpTimestamp)
    {
        if (_recording)
        {
            Volatile.Write(ref _lastRecordedAt, _time.GetTimestamp());
            var recorded = RecordedSamples(rtpTimestamp);
            if (recorded < _recordLimitSamples)
            {
                _recorder?.Append(payload, rtpTimestamp);
            }

            if (recorded + OpusCodec.FrameSamples >= _recordLimitSamples)
            {
                _recordFull?.Cancel();
            }
        }

        if (_source.Echoing)
        {
            _source.OfferEcho(payload);
        }

        _stream?.OfferCallerPacket(payload, rtpTimestamp);
        _agent?.OfferCallerPacket(payload);
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
            Volatile.Write(ref _currentStep, index);
            if (!await RunStepAsync(index, _plan.Steps[index], events, cancellationToken))
            {
                return;
            }
        }

        Volatile.Write(ref _currentStep, _plan.Steps.Count);
        if (_plan.Steps.Count > 0)
        {
            await events.PlanFinishedAsync(cancellationToken);
        }
    }

    // Runs one step (a plan's, or a stream's onError step under the stream's index); false when the plan must stop (hangup).
    private async Task<bool> RunStepAsync(int index, AudioStep step, ICallAudioEvents events, CancellationToken cancellationToken)
    {
        CallAudioLog.StepStarted(_log, _callId, index, step.GetType().Name);
        switch (step)
        {
            case PromptStep prompt:
                // A plan's prompt that cannot be played fails the call with its cause (the business must hear of it).
                await _source.PlayAsync(await GetPlanPromptAsync(index, prompt, cancellationToken), cancellationToken);
                break;
            case ToneStep tone:
                await _source.PlayAsync(_prompts.GetTone(tone.FrequencyHz, tone.Duration), cancellationToken);
                break;
            case PauseStep pause:
                await _source.PauseAsync(Ticks(pause.Duration), cancellationToken);
                break;
            case CollectDigitsStep collect:
                var input = await CollectOneAsync(collect, cancellationToken);
                CallAudioLog.DigitsCollected(_log, _callId, input.Digits.Length);
                if (index == _lastCollectIndex)
                {
                    // Past the last collect step: left-over type-ahead is reported like any later key.
                    Volatile.Write(ref _currentStep, index + 1);
                    while (_digits.Reader.TryRead(out var left))
                    {
                        UnpromptedDigit?.Invoke(left);
                    }
                }

                await events.InputCollectedAsync(index, input, CancellationToken.None);
                cancellationToken.ThrowIfCancellationRequested();
                break;
            case RecordStep record:
                await RecordAsync(record, cancellationToken);
                if (index == _lastCollectIndex)
                {
                    // Past the last step that reads digits: later keys are reported as they arrive.
                    Volatile.Write(ref _currentStep, index + 1);
                    while (_digits.Reader.TryRead(out var left))
                    {
                        UnpromptedDigit?.Invoke(left);
                    }
                }

                break;
            case EchoStep echo:
                await _source.EchoAsync(Ticks(echo.Duration), cancellationToken);
                break;
            case StreamStep stream:
                var result = await StreamAsync(stream, cancellationToken);
                await events.StreamEndedAsync(index, result, CancellationToken.None);
                cancellationToken.ThrowIfCancellationRequested();
                if (result.Outcome == StreamOutcome.ConnectFailed)
                {
                    foreach (var fallback in stream.OnError)
                    {
                        if (!await RunStepAsync(index, fallback, events, cancellationToken))
                        {
                            return false;
                        }
                    }
                }

                break;
            case ConnectAgentStep agent:
                if (!await ConnectAgentAsync(index, agent, events, cancellationToken))
                {
                    foreach (var fallback in agent.OnNoAgent)
                    {
                        if (!await RunStepAsync(index, fallback, events, cancellationToken))
                        {
                            return false;
                        }
                    }
                }

                break;
            case HangupStep:
                await events.HangupRequestedAsync(cancellationToken);
                return false;
            default:
                throw new NotSupportedException($"Unknown audio step {step.GetType().Name}.");
        }

        return true;
    }

    private async Task<EncodedClip> GetPlanPromptAsync(int index, PromptStep prompt, CancellationToken cancellationToken)
    {
        try
        {
            return await _prompts.GetAsync(prompt.Source, cancellationToken);
        }
        catch (PromptException e)
        {
            CallAudioLog.PromptFailed(_log, _callId, index, e.Error, e.WavError);
            // The message never names the source: a blob URI may carry a SAS token.
            throw new PromptException(e.Error, $"Step {index}: {Describe(e)}", e.WavError, e);
        }
    }

    private static string Describe(PromptException e) => e.Error switch
    {
        PromptError.NotFound => "the prompt does not exist (no blob or bundled prompt of that name).",
        PromptError.InvalidWav => $"the prompt is not a WAV this node plays ({e.WavError}).",
        PromptError.TooLarge => $"the prompt is larger than {PromptCache.MaxPromptBytes} bytes.",
        PromptError.NotAllowed => "the prompt URI is not a blob of the node's storage account.",
        _ => "the prompt could not be fetched from storage.",
    };

    /// <summary>
    /// Stops playing and recording and commits the recording (if the plan recorded; its blocks were streamed to
    /// the store during the call) as
    /// <c>recordings/{callId}.ogg|wav</c>; returns that blob name, or null when nothing was recorded.
    /// Calling it again returns the same result, or retries the upload when the previous attempt failed.
    /// </summary>
    public Task<RecordingInfo?> CompleteAsync(CancellationToken cancellationToken)
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
        Task<RecordingInfo?>? completion;
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

    private async Task<RecordingInfo?> SaveAsync(CancellationToken cancellationToken)
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
        return new RecordingInfo
        {
            BlobName = name,
            ContentType = recorder.ContentType,
            DurationSeconds = recorder.DurationSeconds,
            SizeBytes = recorder.SizeBytes,
        };
    }

    private async Task PlayPromptAsync(int index, PromptStep prompt, bool overlay, CancellationToken cancellationToken)
    {
        EncodedClip frames;
        try
        {
            frames = await _prompts.GetAsync(prompt.Source, cancellationToken);
        }
        catch (PromptException e)
        {
            CallAudioLog.PromptFailed(_log, _callId, index, e.Error, e.WavError);
            return;
        }

        await (overlay ? _source.PlayOverAsync(frames, cancellationToken) : _source.PlayAsync(frames, cancellationToken));
    }

    private async Task<DigitInput> CollectOneAsync(CollectDigitsStep step, CancellationToken cancellationToken)
    {
        await _collecting.WaitAsync(cancellationToken);
        try
        {
            return await CollectDigitsAsync(step, cancellationToken);
        }
        finally
        {
            _collecting.Release();
        }
    }

    private async Task<DigitInput> CollectDigitsAsync(CollectDigitsStep step, CancellationToken cancellationToken)
    {
        var startedAt = _time.GetUtcNow();
        var endedBy = InputEnd.MaxDigits;
        string? terminator = null;
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
                    endedBy = InputEnd.Terminator;
                    terminator = digit.ToString();
                    break;
                }

                digits.Append(digit);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The step's timeout: report what arrived.
            endedBy = InputEnd.Timeout;
        }
        catch (OperationCanceledException)
        {
            // The call ended mid-step: what arrived is still the user's answer.
            endedBy = InputEnd.Hangup;
        }
        catch (ChannelClosedException)
        {
            // Disposed mid-step.
            endedBy = InputEnd.Hangup;
        }

        return new DigitInput
        {
            Digits = digits.ToString(),
            EndedBy = endedBy,
            Terminator = terminator,
            Name = step.Name,
            StartedAt = startedAt,
            EndedAt = _time.GetUtcNow(),
        };
    }

    // One recording per call: a later record step appends to the same file (same format as the first).
    private async Task RecordAsync(RecordStep step, CancellationToken cancellationToken)
    {
        // Not disposed: the receive thread may still cancel it after the step (it holds no timer).
        var full = new CancellationTokenSource();
        lock (_gate)
        {
            if (_completion is not null)
            {
                return;
            }

            _recorder ??= new CallRecorder(_callId, step.Format, _prompts.Codecs, _recordings);
            _recordLimitSamples = (long)(step.MaxDuration.TotalSeconds * OpusCodec.SampleRate);
            Volatile.Write(ref _recordStartTimestamp, -1);
            _recordFull = full;
            _recording = true;
        }

        try
        {
            if (step.Terminator is { } terminator)
            {
                // Digits typed before the step would end it at once (a voicemail's '#' from an earlier menu): drop them.
                while (_digits.Reader.TryRead(out _))
                {
                }
            }

            if (await RecordForAsync(step.MaxDuration, step.Terminator, full.Token, cancellationToken)
                || Volatile.Read(ref _recordStartTimestamp) < 0
                || _time.GetElapsedTime(Volatile.Read(ref _lastRecordedAt)) > StillFlowing)
            {
                return;
            }

            // The wall clock's MaxDuration passed before that much of the caller's media (RTP time) was recorded, while
            // it still flows: a busy node or a late phone. Wait a little longer, so the recording holds what was asked.
            await RecordForAsync(RecordLateness, step.Terminator, full.Token, cancellationToken);
        }
        finally
        {
            _recording = false;
            _recordFull = null;
        }
    }

    // True when the step ended before the time ran out: the recording is full, or the caller pressed the terminator.
    private async Task<bool> RecordForAsync(TimeSpan duration, char? terminator, CancellationToken full, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(duration, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token, full);
        try
        {
            if (terminator is not { } digit)
            {
                await Task.Delay(Timeout.Infinite, linked.Token);
                return true;
            }

            while (await _digits.Reader.ReadAsync(linked.Token) != digit)
            {
            }

            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return full.IsCancellationRequested;
        }
        catch (ChannelClosedException)
        {
            return true; // Disposed mid-step.
        }
    }

    // Media time (RTP timestamps) since the step's first packet: the recording holds at most MaxDuration of it, so a
    // late timer on a busy node never records more than was asked, and reaching it ends the step. Receive thread only.
    private long RecordedSamples(uint rtpTimestamp)
    {
        if (_recordStartTimestamp < 0)
        {
            Volatile.Write(ref _recordStartTimestamp, rtpTimestamp);
        }

        return unchecked(rtpTimestamp - (uint)_recordStartTimestamp);
    }

    private void HookReceiver(AudioPeer peer)
    {
        if (peer.Receiver is { } receiver && Interlocked.Exchange(ref _receiverHooked, 1) == 0)
        {
            receiver.OpusPacketReceived += (payload, timestamp, _) => ReceivePacket(payload, timestamp);
        }
    }

    private static int Ticks(TimeSpan duration) => (int)Math.Max(1, Math.Round(duration / OpusCodec.FrameDuration));
}
