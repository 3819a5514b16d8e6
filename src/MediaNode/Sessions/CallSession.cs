using Microsoft.Extensions.Logging;
using Serverless.MediaNode.Audio;
using Serverless.Shared.Media;
using Serverless.WebRtc.Peer;

namespace Serverless.MediaNode.Sessions;

/// <summary>
/// One call on this node: its peer, its audio, and the events of its life. Connected → <see cref="MediaConnected"/>
/// and the audio plan starts; Failed → <see cref="MediaFailed"/>; hangup (or the plan, or the remote closing) →
/// <see cref="MediaEnded"/> with stats. Finishing happens once however many paths ask for it.
/// </summary>
#pragma warning disable CA1001 // _audioStop and _connectTimer are disposed when the call finishes (Release), the session's end of life.
public sealed partial class CallSession : ICallAudioCallbacks
#pragma warning restore CA1001
{
    private readonly CallSessionContext _context;
    private readonly CancellationTokenSource _audioStop = new();
    private readonly Lock _gate = new();
    private readonly ITimer _connectTimer;
    private Task _audioRun = Task.CompletedTask;
    private Task? _finish;
    private DateTimeOffset? _connectedAt;
    private readonly Dictionary<string, AgentLeg> _legs = new(StringComparer.Ordinal);

    internal CallSession(string callId, AudioPeer peer, ICallAudio audio, CallSessionContext context)
    {
        CallId = callId;
        Peer = peer;
        Audio = audio;
        _context = context;
        audio.Attach(peer);
        peer.StateChanged += OnStateChanged;
        _connectTimer = context.Time.CreateTimer(_ => OnConnectTimeout(), null, context.ConnectTimeout, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Our call id.</summary>
    public string CallId { get; }

    /// <summary>The call's peer.</summary>
    public AudioPeer Peer { get; }

    /// <summary>The call's audio.</summary>
    public ICallAudio Audio { get; }

    /// <summary>Our offer or answer, once made (re-sent unchanged for a repeated start command).</summary>
    public string? LocalSdp { get; internal set; }

    /// <summary>Whether the remote answer was applied (a repeated ApplyAnswer does nothing).</summary>
    public bool AnswerApplied { get; internal set; }

    /// <summary>Whether the call is ending or ended.</summary>
    public bool IsFinishing
    {
        get
        {
            lock (_gate)
            {
                return _finish is not null;
            }
        }
    }

    /// <summary>Ends the call: stops the audio, sends <see cref="MediaEnded"/> with stats. Idempotent.</summary>
    public Task EndAsync(HangupReason reason)
    {
        lock (_gate)
        {
            return _finish ??= Task.Run(() => FinishEndedAsync(reason));
        }
    }

    /// <summary>Fails the call: releases everything and sends <see cref="MediaFailed"/>. No-op once finishing.</summary>
    public Task FailAsync(MediaFailureReason reason, string detail) =>
        FailAsync(new MediaFailed { CallId = CallId, NodeId = _context.NodeId, CreatedAt = _context.Time.GetUtcNow(), Reason = reason, Detail = detail });

    private Task FailAsync(MediaFailed failure)
    {
        lock (_gate)
        {
            return _finish ??= Task.Run(() => FinishFailedAsync(failure));
        }
    }

    /// <inheritdoc />
    Task ICallAudioCallbacks.DigitsReceivedAsync(string digits)
    {
        Publish(new DtmfReceived { CallId = CallId, NodeId = _context.NodeId, CreatedAt = _context.Time.GetUtcNow(), Digits = digits });
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    Task ICallAudioCallbacks.InputCollectedAsync(DigitInput input)
    {
        Publish(new InputCollected { CallId = CallId, NodeId = _context.NodeId, CreatedAt = _context.Time.GetUtcNow(), Input = input });
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    Task ICallAudioCallbacks.StreamEndedAsync(StreamResult result)
    {
        Publish(new StreamEnded { CallId = CallId, NodeId = _context.NodeId, CreatedAt = _context.Time.GetUtcNow(), Result = result });
        return Task.CompletedTask;
    }

    Task ICallAudioCallbacks.PlanFinishedAsync(string? playMessageId)
    {
        Publish(new PlaybackFinished { CallId = CallId, NodeId = _context.NodeId, CreatedAt = _context.Time.GetUtcNow(), PlayMessageId = playMessageId });
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    Task ICallAudioCallbacks.HangupRequestedAsync()
    {
        // Not awaited: ending waits for the plan, which is the caller of this method.
        _ = EndAsync(HangupReason.Completed);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    Task ICallAudioCallbacks.AgentRequestedAsync(string queue, int timeoutSeconds)
    {
        Publish(new AgentRequested { CallId = CallId, NodeId = _context.NodeId, CreatedAt = _context.Time.GetUtcNow(), Queue = queue, TimeoutSeconds = timeoutSeconds });
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    Task ICallAudioCallbacks.AgentRequestEndedAsync(string queue, AgentRequestEndReason reason)
    {
        Publish(new AgentRequestEnded { CallId = CallId, NodeId = _context.NodeId, CreatedAt = _context.Time.GetUtcNow(), Queue = queue, Reason = reason });
        return Task.CompletedTask;
    }

    /// <summary>
    /// A <see cref="ConnectAgent"/>: claims the waiting connectAgent step, creates the agent leg's peer with
    /// <paramref name="createPeer"/> on the node's port and answers the browser's offer (<see cref="AgentAnswerReady"/>).
    /// Nothing waiting → <see cref="AgentLegEnded"/> NotWaiting. A repeated command for the same leg re-sends the answer.
    /// </summary>
    public void ConnectAgent(ConnectAgent command, Func<AudioPeerOptions, AudioPeer> createPeer)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(createPeer);
        AgentLeg leg;
        lock (_gate)
        {
            if (_legs.TryGetValue(command.LegId, out var existing))
            {
                if (existing.LocalSdp is { } sdp && !existing.HasEnded)
                {
                    Publish(new AgentAnswerReady { CallId = CallId, NodeId = _context.NodeId, CreatedAt = _context.Time.GetUtcNow(), LegId = command.LegId, Sdp = sdp });
                }

                return;
            }

            if (_finish is not null || Audio.WaitingForAgent is not { } wait || !wait.TryClaim())
            {
                LogAgentNotWaiting(_context.Logger, CallId, command.LegId);
                PublishLegEnded(command.LegId, AgentLegEndReason.NotWaiting, null, null);
                return;
            }

            leg = new AgentLeg(command.LegId, command.Agent, wait);
            _legs[command.LegId] = leg;
        }

        try
        {
            var peer = createPeer(new AudioPeerOptions { Source = leg.ToAgent, ReceiveMode = Serverless.WebRtc.Media.ReceiveMode.PacketsOnly });
            leg.Peer = peer;
            peer.StateChanged += (p, state) => OnAgentState(leg, p, state);
            peer.DtmfReceived += (_, digit) => OnAgentDigit(digit);
            peer.GoodbyeReceived += _ => EndAgentLegAsync(leg, AgentLegEndReason.Failed, "The browser hung up the agent leg (RTCP BYE).");
            leg.LocalSdp = peer.AcceptOffer(command.OfferSdp);
            if (peer.Receiver is { } receiver)
            {
                receiver.OpusPacketReceived += (payload, _, _) => leg.OfferAgentPacket(payload);
            }
        }
        catch (Exception ex) when (ex is PeerNegotiationException or InvalidOperationException or ArgumentException or FormatException)
        {
            _ = EndAgentLegAsync(leg, AgentLegEndReason.Failed, "The browser's offer could not be used: " + ex.Message);
            return;
        }

        LogAgentLeg(_context.Logger, CallId, leg.LegId, leg.Agent);
        Publish(new AgentAnswerReady { CallId = CallId, NodeId = _context.NodeId, CreatedAt = _context.Time.GetUtcNow(), LegId = leg.LegId, Sdp = leg.LocalSdp });
        _ = WatchAgentSetupAsync(leg);
    }

    /// <summary>A <see cref="MuteAgent"/>; false when this call has no such live leg.</summary>
    public bool MuteAgent(string legId, bool muted)
    {
        lock (_gate)
        {
            if (!_legs.TryGetValue(legId, out var leg) || leg.HasEnded)
            {
                return false;
            }

            leg.Muted = muted;
            return true;
        }
    }

    /// <summary>A <see cref="DisconnectAgent"/>: ends the leg (the plan goes on); false when this call has no such live leg.</summary>
    public bool DisconnectAgent(string legId)
    {
        AgentLeg? leg;
        lock (_gate)
        {
            if (!_legs.TryGetValue(legId, out leg) || leg.HasEnded)
            {
                return false;
            }
        }

        _ = EndAgentLegAsync(leg, AgentLegEndReason.Disconnected, null);
        return true;
    }

    private void OnAgentState(AgentLeg leg, AudioPeer peer, PeerConnectionState state)
    {
        switch (state)
        {
            case PeerConnectionState.Connected:
                lock (_gate)
                {
                    if (leg.ConnectedAt is not null || leg.HasEnded)
                    {
                        return;
                    }

                    leg.ConnectedAt = _context.Time.GetUtcNow();
                }

                if (!leg.Claim.Connect(leg))
                {
                    _ = EndAgentLegAsync(leg, IsFinishing ? AgentLegEndReason.CallEnded : AgentLegEndReason.NotWaiting, null);
                    return;
                }

                Publish(new AgentConnected { CallId = CallId, NodeId = _context.NodeId, CreatedAt = leg.ConnectedAt.Value, LegId = leg.LegId });
                break;
            case PeerConnectionState.Failed:
                var detail = peer.Failure is PeerFailure.DtlsFailed or PeerFailure.FingerprintMismatch
                    ? "DTLS failed: " + (peer.DtlsError?.Message ?? peer.Failure.ToString())
                    : peer.Failure == PeerFailure.ConsentLost ? "ICE consent expired: the browser stopped answering (RFC 7675)." : "ICE failed: no candidate pair succeeded.";
                _ = EndAgentLegAsync(leg, AgentLegEndReason.Failed, detail);
                break;
            case PeerConnectionState.Closed:
                _ = EndAgentLegAsync(leg, AgentLegEndReason.Failed, "The browser closed the agent leg (DTLS close_notify).");
                break;
        }
    }

    // The agent's keypad: re-sent to the caller on the WhatsApp leg with that leg's telephone-event payload type.
    private void OnAgentDigit(char digit)
    {
        if (Peer.State == PeerConnectionState.Connected && !IsFinishing)
        {
            _ = Peer.SendDtmf(digit.ToString()).ContinueWith(static _ => { }, TaskScheduler.Default);
        }
    }

    // A browser that never completes ICE and DTLS must not hold the waiting caller: the leg fails and the wait resumes.
    private async Task WatchAgentSetupAsync(AgentLeg leg)
    {
        try
        {
            await leg.Ended.WaitAsync(AgentSetupTimeout, _context.Time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            if (leg.ConnectedAt is null)
            {
                await EndAgentLegAsync(leg, AgentLegEndReason.Failed, $"The agent leg did not connect within {AgentSetupTimeout.TotalSeconds:F0} s.").ConfigureAwait(false);
            }
        }
    }

    /// <summary>How long an agent leg may take from the answer to media flowing.</summary>
    internal static readonly TimeSpan AgentSetupTimeout = TimeSpan.FromSeconds(30);

    // Ends a leg once. The peer is released off the caller's thread: this runs from the peer's own state and receive
    // callbacks, which must not dispose their transport underneath themselves.
    private Task EndAgentLegAsync(AgentLeg leg, AgentLegEndReason reason, string? detail)
    {
        lock (_gate)
        {
            if (leg.HasEnded)
            {
                return Task.CompletedTask;
            }

            leg.MarkEnded();
        }

        if (leg.ConnectedAt is null)
        {
            leg.Claim.Release();
        }

        return Task.Run(() =>
        {
            MediaStats? stats = null;
            if (leg.Peer is { } peer)
            {
                stats = StatsMapper.ToEventStats(peer.GetStats(), leg.ConnectedAt, _context.Time.GetUtcNow());
                peer.Dispose(); // RTCP BYE, then DTLS close_notify
            }

            LogAgentLegEnded(_context.Logger, CallId, leg.LegId, reason, stats?.DurationSeconds ?? 0, leg.AgentPacketsDropped);
            PublishLegEnded(leg.LegId, reason, detail, stats);
        });
    }

    // The call ends: so do its agent legs, reported before MediaEnded.
    private Task EndAgentLegsAsync()
    {
        AgentLeg[] legs;
        lock (_gate)
        {
            legs = [.. _legs.Values];
        }

        return Task.WhenAll(legs.Select(leg => EndAgentLegAsync(leg, AgentLegEndReason.CallEnded, null)));
    }

    private void PublishLegEnded(string legId, AgentLegEndReason reason, string? detail, MediaStats? stats) =>
        Publish(new AgentLegEnded { CallId = CallId, NodeId = _context.NodeId, CreatedAt = _context.Time.GetUtcNow(), LegId = legId, Reason = reason, Detail = detail, Stats = stats });

    private void OnStateChanged(AudioPeer peer, PeerConnectionState state)
    {
        switch (state)
        {
            case PeerConnectionState.Connected:
                OnConnected();
                break;
            case PeerConnectionState.Failed:
                _ = FailAsync(DescribeFailure(peer));
                break;
            case PeerConnectionState.Closed:
                // The remote said goodbye (DTLS close_notify); when we closed it ourselves this is a no-op.
                _ = EndAsync(HangupReason.User);
                break;
        }
    }

    /// <summary>The peer's failure with its cause: the DTLS alert and what was negotiated, or the ICE state.</summary>
    private MediaFailed DescribeFailure(AudioPeer peer)
    {
        var now = _context.Time.GetUtcNow();
        if (peer.Failure is PeerFailure.DtlsFailed or PeerFailure.FingerprintMismatch)
        {
            var dtls = peer.DtlsError;
            return new MediaFailed
            {
                CallId = CallId,
                NodeId = _context.NodeId,
                CreatedAt = now,
                Reason = MediaFailureReason.DtlsFailed,
                Detail = dtls?.Message ?? $"DTLS failed: {peer.Failure}.",
                Dtls = new DtlsFailureInfo
                {
                    Failure = dtls?.Failure.ToString() ?? peer.Failure.ToString(),
                    Alert = dtls?.Alert,
                    AlertFromRemote = dtls?.AlertFromRemote,
                    Version = dtls?.Version,
                    CipherSuite = dtls?.CipherSuite,
                },
            };
        }

        return new MediaFailed
        {
            CallId = CallId,
            NodeId = _context.NodeId,
            CreatedAt = now,
            Reason = MediaFailureReason.IceFailed,
            Detail = peer.Failure == PeerFailure.ConsentLost
                ? "ICE consent expired: the remote stopped answering connectivity checks (RFC 7675)."
                : "ICE failed: no candidate pair succeeded.",
            IceState = peer.Failure.ToString(),
        };
    }

    private void OnConnectTimeout()
    {
        lock (_gate)
        {
            if (_connectedAt is not null || _finish is not null)
            {
                return;
            }
        }

        _ = FailAsync(MediaFailureReason.Timeout, $"media not connected within {_context.ConnectTimeout.TotalSeconds:F0} s");
    }

    private void OnConnected()
    {
        lock (_gate)
        {
            if (_finish is not null || _connectedAt is not null)
            {
                return;
            }

            _connectedAt = _context.Time.GetUtcNow();
            _connectTimer.Dispose();
            Publish(new MediaConnected { CallId = CallId, NodeId = _context.NodeId, CreatedAt = _connectedAt.Value });
            var stop = _audioStop.Token;
            _audioRun = Task.Run(() => RunAudioAsync(stop));
        }
    }

    private async Task RunAudioAsync(CancellationToken stop)
    {
        try
        {
            await Audio.RunAsync(this, stop).ConfigureAwait(false);
        }
        catch (PromptException ex) when (!stop.IsCancellationRequested)
        {
            // Not awaited: failing waits for this audio task to end.
            _ = FailAsync(ex.Error == PromptError.NotFound ? MediaFailureReason.PromptNotFound : MediaFailureReason.PromptInvalid, ex.Message);
        }
    }

    private async Task FinishEndedAsync(HangupReason reason)
    {
        var recording = await StopAudioAsync().ConfigureAwait(false);
        await EndAgentLegsAsync().ConfigureAwait(false);
        var stats = StatsMapper.ToEventStats(Peer.GetStats(), _connectedAt, _context.Time.GetUtcNow());
        Release();
        _context.Metrics.CallEnded(stats);
        LogEnded(_context.Logger, CallId, reason, stats.DurationSeconds, stats.PacketsSent, stats.PacketsReceived);
        Publish(new MediaEnded { CallId = CallId, NodeId = _context.NodeId, CreatedAt = _context.Time.GetUtcNow(), Stats = stats, Recording = recording, Reason = reason });
    }

    private async Task FinishFailedAsync(MediaFailed failure)
    {
        await StopAudioAsync().ConfigureAwait(false);
        await EndAgentLegsAsync().ConfigureAwait(false);
        Release();
        LogFailed(_context.Logger, CallId, failure.Reason, failure.Detail ?? string.Empty);
        Publish(failure with { CreatedAt = _context.Time.GetUtcNow() });
    }

    private async Task<RecordingInfo?> StopAudioAsync()
    {
        await _audioStop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _audioRun.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_audioStop.IsCancellationRequested)
        {
            // We stopped the plan ourselves (hang-up): that is how a running plan ends, not an audio failure.
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogAudioError(_context.Logger, CallId, ex);
        }

        try
        {
            return await Audio.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The call still ends and reports; only the recording is lost, and that is logged.
            LogAudioError(_context.Logger, CallId, ex);
            return null;
        }
    }

    private void Release()
    {
        _connectTimer.Dispose();
        Peer.StateChanged -= OnStateChanged;
        Peer.Dispose();
        _ = Audio.DisposeAsync().AsTask();
        _audioStop.Dispose();
        _context.Registry.Remove(this);
    }

    private void Publish(MediaEvent mediaEvent) => _context.Publish(mediaEvent);

    [LoggerMessage(Level = LogLevel.Information, Message = "Call {CallId} ended ({Reason}) after {Seconds:F1} s; packets sent {Sent}, received {Received}")]
    private static partial void LogEnded(ILogger logger, string callId, HangupReason reason, double seconds, long sent, long received);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Call {CallId} failed: {Reason} ({Detail})")]
    private static partial void LogFailed(ILogger logger, string callId, MediaFailureReason reason, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Call {CallId}: agent leg {LegId} answered for agent {Agent}")]
    private static partial void LogAgentLeg(ILogger logger, string callId, string legId, string agent);

    [LoggerMessage(Level = LogLevel.Information, Message = "Call {CallId}: ConnectAgent for leg {LegId} while no connectAgent step waits")]
    private static partial void LogAgentNotWaiting(ILogger logger, string callId, string legId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Call {CallId}: agent leg {LegId} ended ({Reason}) after {Seconds:F1} s; agent packets dropped {Dropped}")]
    private static partial void LogAgentLegEnded(ILogger logger, string callId, string legId, AgentLegEndReason reason, double seconds, long dropped);

    [LoggerMessage(Level = LogLevel.Error, Message = "Audio of call {CallId} failed")]
    private static partial void LogAudioError(ILogger logger, string callId, Exception exception);
}
