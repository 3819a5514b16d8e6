using System.Collections.Concurrent;
using Serverless.MediaNode.Audio;
using Serverless.WebRtc.Media;
using Serverless.WebRtc.Peer;

namespace Serverless.MediaNode.Sessions;

/// <summary>
/// A browser's leg of a call (issue 15): its own <see cref="AudioPeer"/> on the node's one port (own ICE, DTLS-SRTP
/// context, SSRC, sequence numbers, timestamps and RTCP). Opus packets cross the bridge as payloads only: each leg's
/// sender numbers and times them itself, sending silence frames when nothing is queued, so sequence numbers and
/// timestamps stay continuous on each leg whatever the other does (setup, mute, loss, jumps).
/// </summary>
internal sealed class AgentLeg : IAgentLeg
{
    // At most 100 ms queued each way: the bridge must not drift behind when one side's clock runs fast.
    internal const int MaxQueuedFrames = 5;

    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly PacketQueue _toAgent = new();
    private readonly PacketQueue _fromAgent = new();
    private volatile bool _muted;

    public AgentLeg(string legId, string agent, AgentWait claim)
    {
        LegId = legId;
        Agent = agent;
        Claim = claim;
    }

    public string LegId { get; }

    /// <summary>Who accepted (logs and traces only).</summary>
    public string Agent { get; }

    /// <summary>The connectAgent wait this leg claimed.</summary>
    public AgentWait Claim { get; }

    /// <summary>The leg's peer, once created.</summary>
    public AudioPeer? Peer { get; set; }

    /// <summary>Our SDP answer (re-sent for a repeated ConnectAgent).</summary>
    public string? LocalSdp { get; set; }

    public DateTimeOffset? ConnectedAt { get; set; }

    /// <summary>What the agent's peer sends: the caller's packets.</summary>
    public IAudioSource ToAgent => _toAgent;

    public IAudioSource FromAgent => _fromAgent;

    public Task Ended => _ended.Task;

    public bool HasEnded => _ended.Task.IsCompleted;

    /// <summary>Muted: the agent's packets are dropped (the caller hears the WhatsApp leg's silence frames).</summary>
    public bool Muted
    {
        get => _muted;
        set
        {
            _muted = value;
            if (value)
            {
                _fromAgent.Clear();
            }
        }
    }

    /// <summary>Packets of the agent dropped because the queue was full (the agent's clock ran ahead) or while muted.</summary>
    public long AgentPacketsDropped => _fromAgent.Dropped + Interlocked.Read(ref _mutedDrops);

    private long _mutedDrops;

    public void OfferCallerPacket(ReadOnlySpan<byte> payload) => _toAgent.Offer(payload);

    public void OfferCallerDigit(char digit)
    {
        if (Peer is { State: PeerConnectionState.Connected } peer)
        {
            _ = peer.SendDtmf(digit.ToString()).ContinueWith(static _ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>Agent leg's receive thread: one of the agent's packets for the caller.</summary>
    public void OfferAgentPacket(ReadOnlySpan<byte> payload)
    {
        if (_muted)
        {
            Interlocked.Increment(ref _mutedDrops);
            return;
        }

        _fromAgent.Offer(payload);
    }

    public void MarkEnded() => _ended.TrySetResult();

    /// <summary>
    /// A bounded FIFO of copied Opus packets; the oldest goes when full. Producer: a receive thread; consumer: the pacer.
    /// Both ends run at 50 packets/s, so a backlog left by a burst would otherwise stay as added delay for the rest of
    /// the call: when at least <see cref="StandingFrames"/> packets remain queued after every read for
    /// <see cref="TrimAfterReads"/> reads (half a second), the oldest is dropped (20 ms less delay each time).
    /// </summary>
    internal sealed class PacketQueue : IAudioSource
    {
        internal const int StandingFrames = 2;
        internal const int TrimAfterReads = 25;
        private readonly ConcurrentQueue<byte[]> _packets = new();
        private long _dropped;
        private int _standingReads;

        public long Dropped => Interlocked.Read(ref _dropped);

        public int Count => _packets.Count;

        public void Offer(ReadOnlySpan<byte> payload)
        {
            if (payload.Length is 0 or > OpusCodec.MaxPacketBytes)
            {
                return;
            }

            _packets.Enqueue(payload.ToArray());
            while (_packets.Count > MaxQueuedFrames && _packets.TryDequeue(out _))
            {
                Interlocked.Increment(ref _dropped);
            }
        }

        public void Clear() => _packets.Clear();

        public bool TryReadFrame(Span<byte> destination, out int written)
        {
            written = 0;
            if (!_packets.TryDequeue(out var packet))
            {
                return false;
            }

            packet.CopyTo(destination);
            written = packet.Length;
            if (_packets.Count < StandingFrames)
            {
                _standingReads = 0;
            }
            else if (++_standingReads >= TrimAfterReads && _packets.TryDequeue(out _))
            {
                _standingReads = 0;
                Interlocked.Increment(ref _dropped);
            }

            return true;
        }
    }
}
