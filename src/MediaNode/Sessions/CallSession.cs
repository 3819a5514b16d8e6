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
        var stats = StatsMapper.ToEventStats(Peer.GetStats().Media, _connectedAt, _context.Time.GetUtcNow());
        Release();
        _context.Metrics.CallEnded(stats);
        LogEnded(_context.Logger, CallId, reason, stats.DurationSeconds, stats.PacketsSent, stats.PacketsReceived);
        Publish(new MediaEnded { CallId = CallId, NodeId = _context.NodeId, CreatedAt = _context.Time.GetUtcNow(), Stats = stats, Recording = recording });
    }

    private async Task FinishFailedAsync(MediaFailed failure)
    {
        await StopAudioAsync().ConfigureAwait(false);
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Audio of call {CallId} failed")]
    private static partial void LogAudioError(ILogger logger, string callId, Exception exception);
}
