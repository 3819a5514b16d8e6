using Serverless.WebRtc.Media;
using Serverless.WebRtc.Peer;

namespace Serverless.Testing.WhatsAppSimulator.Phone;

/// <summary>
/// The user's phone with real media: our <see cref="AudioPeer"/> in ICE-lite mode (answering with
/// <c>a=setup:active</c>, as Meta does), on the factory's loopback UDP port. It speaks a tone or silence, presses
/// DTMF, and measures what it hears (the dominant frequency of the last second of decoded audio, five times a
/// second) so tests can assert on audio both ways.
/// </summary>
public sealed class WebRtcPhone : ISimulatedPhone
{
    /// <summary>Meta's "media receive timeout"-like code used when our peer fails (ICE, DTLS or consent).</summary>
    public const int MediaFailedErrorCode = 138021;

    // Below this RMS a window counts as silence: Opus silence decodes to near-zero samples.
    private const double SilenceRms = 200;
    private const int WindowFrames = 50;
    private const int MeasureEveryFrames = 10;
    private const int MaxHeard = 3000;

    private readonly AudioPeer _peer;
    private readonly ToneVoice _voice;
    private readonly Lock _gate = new();
    private readonly List<HeardTone> _heard = [];
    private readonly List<HeardFrame> _frames = [];
    private readonly OpusEncoderFactory _codecs;
    private readonly List<(double Hz, double Tolerance, TaskCompletionSource<HeardTone> Found)> _toneWaiters = [];
    private readonly List<char> _digitsHeard = [];
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private string? _appliedAnswer;
    private Task _listening = Task.CompletedTask;
    private bool _hungUp;

    internal WebRtcPhone(PeerFactory factory, SimulatedPhoneContext context, PhoneScript script)
    {
        Context = context;
        Script = script;
        _voice = new ToneVoice(factory.Codecs);
        _codecs = factory.Codecs;
        if (script.ToneHz is { } hz)
        {
            _voice.Speak(hz);
        }

        _peer = factory.CreatePeer(new AudioPeerOptions { Source = _voice, ReceiveMode = ReceiveMode.Decode });
        _peer.StateChanged += OnStateChanged;
        _peer.DtmfReceived += (_, digit) =>
        {
            lock (_gate)
            {
                _digitsHeard.Add(digit);
            }
        };
    }

    /// <inheritdoc />
    public event EventHandler<SimulatedPhoneEndedEventArgs>? Ended;

    /// <summary>The call this phone plays.</summary>
    public SimulatedPhoneContext Context { get; }

    /// <summary>The script it started with.</summary>
    public PhoneScript Script { get; }

    /// <summary>The peer's state.</summary>
    public PeerConnectionState State => _peer.State;

    /// <summary>Completes when ICE and DTLS are up (media can flow).</summary>
    public Task Connected => _connected.Task;

    /// <summary>Completes when the call is over for the phone (hung up by either side, or disposed).</summary>
    public Task Finished => _finished.Task;

    /// <summary>When the peer reached <see cref="PeerConnectionState.Connected"/>.</summary>
    public DateTimeOffset? ConnectedAt { get; private set; }

    /// <summary>When the phone first decoded a 20 ms frame that was not silence (the first audio it "heard").</summary>
    public DateTimeOffset? FirstAudioAt { get; private set; }

    /// <summary>Our SDP (offer for an inbound call, answer for an outbound one).</summary>
    public string? LocalDescription => _peer.LocalDescription;

    /// <summary>The tone the phone sends now, or null when silent.</summary>
    public double? SpeakingHz => _voice.ToneHz;

    /// <summary>True after <see cref="HangUpAsync"/> or dispose.</summary>
    public bool HungUp => Volatile.Read(ref _hungUp);

    /// <summary>Measurements of what the phone heard, oldest first (at most the last 3000).</summary>
    public IReadOnlyList<HeardTone> Heard
    {
        get
        {
            lock (_gate)
            {
                return [.. _heard];
            }
        }
    }

    /// <summary>
    /// Every audio packet heard, by RTP timestamp (at most the last 3000): what was heard in media time, e.g. how many
    /// frames of a tone played after a barge-in, whatever the machine's load did to the clock.
    /// </summary>
    public IReadOnlyList<HeardFrame> HeardFrames
    {
        get
        {
            lock (_gate)
            {
                return [.. _frames];
            }
        }
    }

    /// <summary>DTMF digits received from the business (RFC 4733 events).</summary>
    public string DigitsHeard
    {
        get
        {
            lock (_gate)
            {
                return new string([.. _digitsHeard]);
            }
        }
    }

    /// <summary>The peer's statistics (packets, loss, jitter, SRTP).</summary>
    public PeerStats GetStats() => _peer.GetStats();

    /// <summary>Starts (or changes) the tone the user speaks.</summary>
    public void Speak(double hz) => _voice.Speak(hz);

    /// <summary>The user stops speaking.</summary>
    public void GoSilent() => _voice.GoSilent();

    /// <summary>Presses DTMF digits (0-9, *, #, A-D); needs the call negotiated.</summary>
    public void PressDigits(string digits) => _peer.SendDtmf(digits);

    /// <summary>
    /// Waits until a measurement of the last second (taken after <paramref name="since"/>, if given) is within
    /// <paramref name="toleranceHz"/> of <paramref name="hz"/>; <paramref name="hz"/> 0 with tolerance 0 waits for a silent second.
    /// </summary>
    /// <exception cref="TimeoutException">Not heard within <paramref name="timeout"/>.</exception>
    public async Task<HeardTone> WaitForToneAsync(double hz, TimeSpan timeout, double toleranceHz = 10, DateTimeOffset? since = null)
    {
        var found = new TaskCompletionSource<HeardTone>(TaskCreationOptions.RunContinuationsAsynchronously);
        var after = since ?? DateTimeOffset.MinValue;
        lock (_gate)
        {
            foreach (var heard in _heard)
            {
                if (heard.At > after && Math.Abs(heard.FrequencyHz - hz) <= toleranceHz)
                {
                    return heard;
                }
            }

            // Measurements recorded from now on are all later than any 'since' a caller holds.
            _toneWaiters.Add((hz, toleranceHz, found));
        }

        try
        {
            return await found.Task.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"The phone did not hear {hz} Hz within {timeout}; last heard: {Describe(Heard)}", ex);
        }
    }

    /// <inheritdoc />
    public Task<string> CreateOfferAsync(CancellationToken cancellationToken) => Task.FromResult(_peer.CreateOffer());

    /// <inheritdoc />
    public Task<string> AnswerAsync(string offerSdp, CancellationToken cancellationToken) => Task.FromResult(_peer.AcceptOffer(offerSdp));

    /// <inheritdoc />
    /// <remarks>pre_accept and accept carry the identical SDP (Meta checks it); the second one changes nothing.</remarks>
    public Task ApplyAnswerAsync(string answerSdp, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(answerSdp);
        lock (_gate)
        {
            if (_appliedAnswer is not null)
            {
                return string.Equals(_appliedAnswer, answerSdp, StringComparison.Ordinal)
                    ? Task.CompletedTask
                    : throw new InvalidOperationException("A second, different answer for the same call.");
            }

            _appliedAnswer = answerSdp;
        }

        _peer.SetRemoteAnswer(answerSdp);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task HangUpAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _hungUp, true))
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await _listening.ConfigureAwait(false);
        _peer.Dispose();
        _connected.TrySetCanceled(CancellationToken.None);
        _finished.TrySetResult();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await HangUpAsync(CancellationToken.None).ConfigureAwait(false);
        _stop.Dispose();
    }

    private static string Describe(IReadOnlyList<HeardTone> heard) =>
        heard.Count == 0 ? "nothing" : string.Join(", ", heard.TakeLast(5).Select(h => $"{h.FrequencyHz:F0} Hz (rms {h.Rms:F0})"));

    private void OnStateChanged(AudioPeer peer, PeerConnectionState state)
    {
        if (state == PeerConnectionState.Connected && !_connected.Task.IsCompleted)
        {
            ConnectedAt = DateTimeOffset.UtcNow;
            _connected.TrySetResult();
            if (!string.IsNullOrEmpty(Script.PressDigits))
            {
                _peer.SendDtmf(Script.PressDigits);
            }

            _listening = Task.Run(() => ListenAsync(_stop.Token));
        }
        else if (state == PeerConnectionState.Failed && !HungUp)
        {
            _connected.TrySetException(new InvalidOperationException($"The phone's peer failed: {peer.Failure}."));
            Ended?.Invoke(this, new SimulatedPhoneEndedEventArgs(MediaFailedErrorCode, $"Media failed at the phone ({peer.Failure})"));
        }
    }

    /// <summary>Pulls decoded audio at the real 20 ms pace (the jitter buffer's consumer) and measures it.</summary>
    private async Task ListenAsync(CancellationToken cancellationToken)
    {
        var receiver = _peer.Receiver;
        if (receiver is null)
        {
            return;
        }

        OpusFrameDecoder? decoder = _codecs.CreateDecoder();
        var packetPcm = new short[OpusCodec.FrameSamples];
        receiver.OpusPacketReceived += (payload, timestamp, _) =>
        {
            // The receive thread decodes each packet once more, on its own: a test phone, not a product path.
            lock (_gate)
            {
                if (decoder is null)
                {
                    return;
                }

                decoder.Decode(payload, packetPcm);
                var rms = Rms(packetPcm);
                if (_frames.Count == MaxHeard)
                {
                    _frames.RemoveAt(0);
                }

                _frames.Add(new HeardFrame(timestamp, rms < SilenceRms ? 0 : ToneDetector.EstimateFrequency(packetPcm), rms));
            }
        };
        var window = new short[WindowFrames * OpusCodec.FrameSamples];
        var frame = new short[OpusCodec.FrameSamples];
        var frames = 0L;
        using var ticks = new PeriodicTimer(OpusCodec.FrameDuration);
        try
        {
            while (await ticks.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                var kind = receiver.ReadFrame(frame);
                if (kind is not (AudioFrameKind.Decoded or AudioFrameKind.FecRecovered or AudioFrameKind.Concealed))
                {
                    frame.AsSpan().Clear();
                }
                else if (FirstAudioAt is null && Rms(frame) >= SilenceRms)
                {
                    FirstAudioAt = DateTimeOffset.UtcNow;
                }

                Array.Copy(window, frame.Length, window, 0, window.Length - frame.Length);
                frame.CopyTo(window, window.Length - frame.Length);
                if (++frames >= WindowFrames && frames % MeasureEveryFrames == 0)
                {
                    Record(Measure(window));
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Hung up.
        }
        finally
        {
            lock (_gate)
            {
                decoder?.Dispose();
                decoder = null;
            }
        }
    }

    private static double Rms(ReadOnlySpan<short> samples)
    {
        double sum = 0;
        foreach (var sample in samples)
        {
            sum += (double)sample * sample;
        }

        return Math.Sqrt(sum / samples.Length);
    }

    private static HeardTone Measure(short[] window)
    {
        var rms = Rms(window);
        var hz = rms < SilenceRms ? 0 : ToneDetector.EstimateFrequency(window);
        return new HeardTone(DateTimeOffset.UtcNow, hz, rms);
    }

    private void Record(HeardTone heard)
    {
        List<TaskCompletionSource<HeardTone>> found = [];
        lock (_gate)
        {
            if (_heard.Count == MaxHeard)
            {
                _heard.RemoveAt(0);
            }

            _heard.Add(heard);
            for (var i = _toneWaiters.Count - 1; i >= 0; i--)
            {
                if (Math.Abs(_toneWaiters[i].Hz - heard.FrequencyHz) <= _toneWaiters[i].Tolerance)
                {
                    found.Add(_toneWaiters[i].Found);
                    _toneWaiters.RemoveAt(i);
                }
            }
        }

        foreach (var waiter in found)
        {
            waiter.TrySetResult(heard);
        }
    }
}
