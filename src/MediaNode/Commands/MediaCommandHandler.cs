using Microsoft.Extensions.Logging;
using Serverless.MediaNode.Sessions;
using Serverless.Shared.Media;
using Serverless.Shared.Transport;
using Serverless.WebRtc.Peer;

namespace Serverless.MediaNode.Commands;

/// <summary>
/// Runs the Functions' commands against this node's calls. Every command is idempotent on the call id: a
/// repeated start answers with the same SDP, a repeated answer or hangup does nothing. Commands for a call
/// this node does not have complete without effect (retrying cannot create the call). Each command is traced
/// in the trace it carries. A start's message is completed only once its reply (OfferReady / AnswerReady, or the
/// MediaFailed refusing it) was handed over to the Functions (<see cref="Handover"/>): a node that dies before that
/// leaves the start to another node.
/// </summary>
public sealed partial class MediaCommandHandler : ICommandHandler
{
    private readonly PeerFactoryHost _peers;
    private readonly ICallAudioFactory _audio;
    private readonly CallSessionContext _context;
    private readonly ILogger<MediaCommandHandler> _logger;
    private readonly NewCallShare? _share;
    // A handled start's reply on its way to the Functions, by the start's MessageId, until the transport asks.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Task<bool>> _replies = new(StringComparer.Ordinal);

    /// <summary>Creates the handler; <paramref name="share"/> (the peers' loads) shares new calls with emptier nodes.</summary>
    public MediaCommandHandler(PeerFactoryHost peers, ICallAudioFactory audio, CallSessionContext context, ILogger<MediaCommandHandler> logger, NewCallShare? share = null)
    {
        ArgumentNullException.ThrowIfNull(peers);
        ArgumentNullException.ThrowIfNull(audio);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(logger);
        _peers = peers;
        _audio = audio;
        _context = context;
        _logger = logger;
        _share = share;
    }

    /// <inheritdoc />
    public int NewCallRoom
    {
        get
        {
            var registry = _context.Registry;
            var free = registry.FreeCapacity;
            return _share is null ? free : _share.Room(registry.ActiveCount, registry.MaxCalls, free);
        }
    }

    /// <inheritdoc />
    public Task<bool>? Handover(MediaCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        return _replies.TryRemove(command.MessageId, out var reply) ? reply : null;
    }

    /// <inheritdoc />
    public async Task HandleAsync(MediaCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        using var activity = command.Trace.StartActivity($"MediaNode {command.MessageType}", MediaNodeMetrics.Activities);
        activity.SetTag("call.id", command.CallId);
        activity.SetTag("medianode.id", _context.NodeId);
        switch (command)
        {
            case StartOutbound start:
                KeepReply(start, StartCall(start.CallId, start.AudioPlan, remoteOffer: null));
                break;
            case StartInbound start:
                KeepReply(start, StartCall(start.CallId, start.AudioPlan, start.OfferSdp));
                break;
            case ApplyAnswer answer:
                await ApplyAnswerAsync(answer).ConfigureAwait(false);
                break;
            case Play play:
                PlayInto(play);
                break;
            case Hangup hangup:
                await HangupAsync(hangup).ConfigureAwait(false);
                break;
            case ConnectAgent connect:
                ConnectAgentLeg(connect);
                break;
            case MuteAgent mute:
                if (!ValidLegId(mute.CallId, mute.LegId) || _context.Registry.Find(mute.CallId)?.MuteAgent(mute.LegId, mute.Muted) != true)
                {
                    LogUnknownLeg(_logger, mute.MessageType, mute.CallId);
                }

                break;
            case DisconnectAgent disconnect:
                if (!ValidLegId(disconnect.CallId, disconnect.LegId) || _context.Registry.Find(disconnect.CallId)?.DisconnectAgent(disconnect.LegId) != true)
                {
                    LogUnknownLeg(_logger, disconnect.MessageType, disconnect.CallId);
                }

                break;
            default:
                throw new NotSupportedException($"Unknown command {command.MessageType}.");
        }
    }

    private Task<bool>? StartCall(string callId, System.Text.Json.JsonElement? plan, string? remoteOffer)
    {
        var existing = _context.Registry.Find(callId);
        if (existing is not null)
        {
            return RepeatLocalDescription(existing, remoteOffer is null);
        }

        if (_context.Registry.HasEnded(callId))
        {
            LogStale(_logger, callId);
            return null;
        }

        if (!_audio.TryCreate(callId, plan, out var audio, out var planError))
        {
            return Fail(callId, MediaFailureReason.PlanInvalid, "The audio plan is invalid: " + (planError ?? "refused by the node") + ".");
        }

        var admission = _context.Registry.Admit(
            callId,
            () => new CallSession(callId, _peers.Factory.CreatePeer(new AudioPeerOptions { Source = audio!.Source, ReceiveMode = audio.ReceiveMode }), audio!, _context),
            out var session);
        switch (admission)
        {
            case Admission.Existing:
                _ = audio!.DisposeAsync().AsTask();
                return RepeatLocalDescription(session!, remoteOffer is null);
            case Admission.AlreadyEnded:
                _ = audio!.DisposeAsync().AsTask();
                LogStale(_logger, callId);
                return null;
            case Admission.Full:
                _ = audio!.DisposeAsync().AsTask();
                LogFull(_logger, callId, _context.Registry.ActiveCount, _context.Registry.IsDraining);
                return Fail(callId, MediaFailureReason.Capacity, _context.Registry.IsDraining ? "node draining" : "node at capacity");
        }

        try
        {
            session!.LocalSdp = remoteOffer is null ? session.Peer.CreateOffer() : session.Peer.AcceptOffer(remoteOffer);
        }
        catch (PeerNegotiationException ex)
        {
            _ = session!.FailAsync(MediaFailureReason.SdpRejected, ex.Message);
            return null;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A retry would find the session and do nothing: fail the call now instead of leaving it half made.
            LogStartError(_logger, callId, ex);
            _ = session!.FailAsync(MediaFailureReason.Internal, ex.GetType().Name);
            return null;
        }

        return RepeatLocalDescription(session, remoteOffer is null);
    }

    private void KeepReply(MediaCommand start, Task<bool>? reply)
    {
        if (reply is not null)
        {
            _replies[start.MessageId] = reply;
        }
    }

    private Task<bool>? RepeatLocalDescription(CallSession session, bool outbound)
    {
        if (session.LocalSdp is not { } sdp || session.IsFinishing)
        {
            return null;
        }

        var now = _context.Time.GetUtcNow();
        return _context.PublishTracked(outbound
            ? new OfferReady { CallId = session.CallId, NodeId = _context.NodeId, CreatedAt = now, Sdp = sdp }
            : new AnswerReady { CallId = session.CallId, NodeId = _context.NodeId, CreatedAt = now, Sdp = sdp });
    }

    private Task ApplyAnswerAsync(ApplyAnswer answer)
    {
        if (_context.Registry.Find(answer.CallId) is not { } session)
        {
            LogUnknownCall(_logger, answer.MessageType, answer.CallId);
            return Task.CompletedTask;
        }

        lock (session)
        {
            if (session.AnswerApplied || session.IsFinishing)
            {
                return Task.CompletedTask;
            }

            try
            {
                session.Peer.SetRemoteAnswer(answer.Sdp);
                session.AnswerApplied = true;
                return Task.CompletedTask;
            }
            catch (Exception ex) when (ex is PeerNegotiationException or InvalidOperationException)
            {
                return session.FailAsync(MediaFailureReason.SdpRejected, ex.Message);
            }
        }
    }

    private void PlayInto(Play play)
    {
        if (_context.Registry.Find(play.CallId) is not { } session)
        {
            LogUnknownCall(_logger, play.MessageType, play.CallId);
            return;
        }

        if (!session.Audio.TryPlay(play.Request, play.MessageId))
        {
            LogPlayUnsupported(_logger, play.CallId, play.Request.Kind);
        }
    }

    private Task HangupAsync(Hangup hangup)
    {
        if (_context.Registry.Find(hangup.CallId) is not { } session)
        {
            LogUnknownCall(_logger, hangup.MessageType, hangup.CallId);
            _context.Registry.MarkEnded(hangup.CallId);
            return Task.CompletedTask;
        }

        return session.EndAsync(hangup.Reason);
    }

    private void ConnectAgentLeg(ConnectAgent connect)
    {
        if (!ValidLegId(connect.CallId, connect.LegId))
        {
            return;
        }

        if (_context.Registry.Find(connect.CallId) is not { } session)
        {
            LogUnknownCall(_logger, connect.MessageType, connect.CallId);
            if (_context.Registry.HasEnded(connect.CallId))
            {
                // The call ended here: tell the Functions, so the agent's page stops waiting for an answer.
                _context.Publish(new AgentLegEnded
                {
                    CallId = connect.CallId, NodeId = _context.NodeId, CreatedAt = _context.Time.GetUtcNow(), LegId = connect.LegId, Reason = AgentLegEndReason.NotWaiting,
                });
            }

            return;
        }

        session.ConnectAgent(connect, options => _peers.Factory.CreatePeer(options));
    }

    // Leg ids name events and logs: the Functions choose them, and anything else is refused (logged) here.
    private bool ValidLegId(string callId, string legId)
    {
        if (legId is { Length: > 0 and <= 64 } && legId.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
        {
            return true;
        }

        LogBadLegId(_logger, callId);
        return false;
    }

    private Task<bool> Fail(string callId, MediaFailureReason reason, string detail) =>
        _context.PublishTracked(new MediaFailed { CallId = callId, NodeId = _context.NodeId, CreatedAt = _context.Time.GetUtcNow(), Reason = reason, Detail = detail });

    [LoggerMessage(Level = LogLevel.Error, Message = "Call {CallId}: creating the local description failed")]
    private static partial void LogStartError(ILogger logger, string callId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Call {CallId} refused: {Active} calls active, draining {Draining}")]
    private static partial void LogFull(ILogger logger, string callId, int active, bool draining);

    [LoggerMessage(Level = LogLevel.Information, Message = "Start command for call {CallId} that already ended here; ignored")]
    private static partial void LogStale(ILogger logger, string callId);

    [LoggerMessage(Level = LogLevel.Information, Message = "{CommandType} for call {CallId} which this node does not have; ignored")]
    private static partial void LogUnknownCall(ILogger logger, string commandType, string callId);

    [LoggerMessage(Level = LogLevel.Information, Message = "{CommandType} for call {CallId}: no such live agent leg here; ignored")]
    private static partial void LogUnknownLeg(ILogger logger, string commandType, string callId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent command for call {CallId} refused: the leg id is not 1-64 of [A-Za-z0-9_.-]")]
    private static partial void LogBadLegId(ILogger logger, string callId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Call {CallId}: this node's audio cannot play {Kind}")]
    private static partial void LogPlayUnsupported(ILogger logger, string callId, PlayKind kind);
}
