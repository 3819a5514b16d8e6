using System.Net;
using System.Security.Cryptography;
using Serverless.WebRtc.Ice;
using Serverless.WebRtc.Media;
using Serverless.WebRtc.Dtls;
using Serverless.WebRtc.Srtp;

namespace Serverless.WebRtc.Peer;

/// <summary>
/// One call's WebRTC audio peer, in the spirit of the W3C RTCPeerConnection but small: create an offer or
/// answer an offer, apply the remote answer, then one Opus track each way plus RFC 4733 DTMF. Once
/// connected it always sends (silence when the source is empty: WhatsApp drops a call that sends nothing
/// for 20 s), with RTCP reports every ~5 s, all on the node's one pacing thread.
/// </summary>
public sealed partial class AudioPeer : IDisposable
{
    private const int MaxPacket = 1500;
    private const int RtcpIntervalTicks = 250; // 5 s of 20 ms ticks (RFC 3550 §6.2 minimum)
    private readonly PeerFactory _factory;
    private readonly PeerOptions _options;
    private readonly AudioPeerOptions _peerOptions;
    private readonly SecureMediaTransport _transport;
    private readonly IceCredentials _ice = IceCredentials.Generate();
    private readonly byte[] _sendBuffer = new byte[MaxPacket];
    private readonly byte[] _rtcpBuffer = new byte[MaxPacket];
    private readonly Lock _gate = new();
    private AudioSendStream? _send;
    private AudioReceiveStream? _receive;
    private RtcpReporter? _reporter;
    private IDisposable? _pacing;
    private int _ticksToRtcp = RtcpIntervalTicks / 2;
    private bool _closed;
    private int _goodbyeRaised;

    internal AudioPeer(PeerFactory factory, AudioPeerOptions options)
    {
        _factory = factory;
        _peerOptions = options;
        _options = options.Peer ?? factory.Options.Peer;
        Ssrc = BitConverter.ToUInt32(RandomNumberGenerator.GetBytes(4));
        _transport = new SecureMediaTransport(factory.Mux, _ice, factory.Candidates, factory.Certificate, _options, factory.Time);
        _transport.StateChanged += OnTransportState;
        _transport.RtpReceived += packet => _receive?.ProcessRtp(packet);
        _transport.RtcpReceived += OnRtcp;
    }

    /// <summary>Raised on every state change (from a network or timer thread).</summary>
    public event Action<AudioPeer, PeerConnectionState>? StateChanged;

    /// <summary>Raised once per DTMF digit the peer pressed (RFC 4733), on the receive thread.</summary>
    public event Action<AudioPeer, char>? DtmfReceived;

    /// <summary>
    /// Raised once when the peer sent RTCP BYE for its stream (RFC 3550 §6.6): it hung up, though its
    /// DTLS close_notify may still be on its way or lost. On the receive thread.
    /// </summary>
    public event Action<AudioPeer>? GoodbyeReceived;

    /// <summary>Our RTP SSRC.</summary>
    public uint Ssrc { get; }

    /// <summary>Current state.</summary>
    public PeerConnectionState State => _transport.State;

    /// <summary>Why the peer failed, when it did.</summary>
    public PeerFailure Failure => _transport.Failure;

    /// <summary>How the DTLS handshake failed (alert, negotiated version and suite), when <see cref="Failure"/> is a DTLS failure.</summary>
    public DtlsHandshakeException? DtlsError => _transport.DtlsError;

    /// <summary>Our SDP (offer or answer) once created.</summary>
    public string? LocalDescription { get; private set; }

    /// <summary>The outgoing audio stream (available once a remote description was applied).</summary>
    public AudioSendStream? Sender => _send;

    /// <summary>The incoming audio stream: read decoded frames, or take raw Opus packets for recording.</summary>
    public AudioReceiveStream? Receiver => _receive;

    /// <summary>The ICE-selected remote address media flows with.</summary>
    public IPEndPoint? RemoteEndPoint => _transport.SelectedRemote;

    /// <summary>Sends DTMF digits (0-9, *, #, A-D) as RFC 4733 events.</summary>
    /// <returns>Completes when the last digit was sent (about 120 ms per digit plus gaps); cancelled when the peer closes first.</returns>
    public Task SendDtmf(string digits) => (_send ?? throw new InvalidOperationException("No remote description yet.")).SendDtmf(digits);

    /// <summary>Audio, RTCP and security counters.</summary>
    public PeerStats GetStats() => new(
        _reporter?.GetStats() ?? new MediaStats(),
        _transport.Profile,
        _transport.UnprotectFailures,
        _transport.EarlyMediaDropped,
        _transport.IceCounters.ChecksSent,
        _transport.IceCounters.Rejected,
        _transport.IceCounters.RequestsAnswered)
    {
        LocalCandidateType = _transport.SelectedTypes?.Local,
        RemoteCandidateType = _transport.SelectedTypes?.Remote,
        IceDuration = _transport.IceDuration,
        DtlsDuration = _transport.DtlsDuration,
        DtlsVersion = _transport.Dtls?.Version,
        DtlsCipherSuite = _transport.Dtls?.CipherSuite,
    };

    /// <summary>Stops sending, says goodbye over DTLS (close_notify) and releases the port registration.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            _pacing?.Dispose();
            _pacing = null;
        }

        _send?.CancelPendingDtmf();
        SendGoodbye();
        _transport.Dispose();
        _receive?.Dispose();
    }

    // RFC 3550 §6.6: a final SR/RR + SDES + BYE, so a browser ends the stream now instead of on timeouts.
    // Its own buffer: the pacer may be finishing a tick with _rtcpBuffer.
    private void SendGoodbye()
    {
        if (_reporter is not { } reporter || State is not (PeerConnectionState.Connected or PeerConnectionState.Disconnected))
        {
            return;
        }

        var buffer = new byte[reporter.MaxGoodbyeLength + SrtpOverheadAllowance];
        if (reporter.TryWriteGoodbye(buffer.AsSpan(0, reporter.MaxGoodbyeLength), "hang-up", out var written))
        {
            _transport.SendRtcp(buffer, written);
        }
    }

    private void OnRtcp(ReadOnlySpan<byte> packet)
    {
        if (_reporter is not { } reporter)
        {
            return;
        }

        reporter.ProcessRtcp(packet);
        if (reporter.RemoteSaidGoodbye && Interlocked.Exchange(ref _goodbyeRaised, 1) == 0)
        {
            PeerLog.GoodbyeReceived(_factory.Logger, Ssrc);
            GoodbyeReceived?.Invoke(this);
        }
    }

    private void OnTransportState(PeerConnectionState state, PeerFailure failure)
    {
        var logger = _factory.Logger;
        PeerLog.StateChanged(logger, Ssrc, state);
        if (state == PeerConnectionState.Connected)
        {
            PeerLog.PathSelected(logger, Ssrc, _transport.SelectedRemote);
        }
        else if (state == PeerConnectionState.Failed)
        {
            PeerLog.Failed(logger, Ssrc, failure);
            if (_transport.DtlsError is { } dtls)
            {
                PeerLog.DtlsFailed(logger, Ssrc, dtls.Failure, dtls.Alert, dtls.Version);
            }
        }
        else if (state == PeerConnectionState.Closed)
        {
            PeerLog.Closed(logger, Ssrc, _transport.UnprotectFailures, _transport.EarlyMediaDropped);
        }

        if (state == PeerConnectionState.Connected)
        {
            lock (_gate)
            {
                if (!_closed && _pacing is null && _send is not null)
                {
                    _pacing = _factory.Pacer.Register(new Ticker(this));
                }
            }
        }
        else if (state is PeerConnectionState.Failed or PeerConnectionState.Closed)
        {
            lock (_gate)
            {
                _pacing?.Dispose();
                _pacing = null;
            }
        }

        StateChanged?.Invoke(this, state);
    }

    private void CreateStreams(int opusPayloadType, int? telephoneEventPayloadType)
    {
        var codecs = _factory.Codecs;
        _send = new AudioSendStream(
            new AudioSendStreamOptions
            {
                Ssrc = Ssrc,
                PayloadType = (byte)opusPayloadType,
                TelephoneEventPayloadType = (byte?)telephoneEventPayloadType,
            },
            _peerOptions.Source ?? new EncodedFrameQueue(),
            codecs.SilenceFrame,
            SendRtp,
            _factory.Time);
        _receive = new AudioReceiveStream(
            new AudioReceiveStreamOptions
            {
                PayloadType = (byte)opusPayloadType,
                TelephoneEventPayloadType = (byte?)telephoneEventPayloadType,
                Mode = _peerOptions.ReceiveMode,
            },
            codecs,
            _factory.Time);
        _receive.Dtmf.DigitReceived += (_, e) => DtmfReceived?.Invoke(this, e.Digit);
        _reporter = new RtcpReporter(new RtcpReporterOptions { LocalSsrc = Ssrc, CanonicalName = _options.CanonicalName }, _factory.Time, _send, _receive);
    }

    // Pacer thread only: the stream hands us its reused buffer, we protect a copy in place and send it.
    private void SendRtp(ReadOnlySpan<byte> packet)
    {
        if (packet.Length + 16 > _sendBuffer.Length)
        {
            return;
        }

        packet.CopyTo(_sendBuffer);
        _transport.SendRtp(_sendBuffer, packet.Length);
    }

    private void Tick()
    {
        _send!.OnTick();
        if (--_ticksToRtcp > 0)
        {
            return;
        }

        // RFC 3550 §6.3.1: randomise the interval (0.5-1.5 of nominal) so calls don't report in lockstep.
        _ticksToRtcp = (RtcpIntervalTicks / 2) + Random.Shared.Next(RtcpIntervalTicks);
        if (_reporter!.TryWriteReport(_rtcpBuffer.AsSpan(0, MaxPacket - SrtpOverheadAllowance), out var written))
        {
            _transport.SendRtcp(_rtcpBuffer, written);
        }
    }

    private const int SrtpOverheadAllowance = 32;

    private sealed class Ticker(AudioPeer peer) : IPacedStream
    {
        public void OnTick() => peer.Tick();

        public void OnTicksSkipped(long count) => peer._send?.OnTicksSkipped(count);
    }
}

/// <summary>What a peer measured.</summary>
public sealed record PeerStats(
    MediaStats Media,
    SrtpProtectionProfile? SrtpProfile,
    long SrtpUnprotectFailures,
    long EarlyMediaDropped,
    long IceChecksSent,
    long IceRejected,
    long IceChecksAnswered)
{
    /// <summary>Our candidate's type in the ICE-selected pair, once ICE selected one.</summary>
    public IceCandidateType? LocalCandidateType { get; init; }

    /// <summary>The peer's candidate's type in the ICE-selected pair.</summary>
    public IceCandidateType? RemoteCandidateType { get; init; }

    /// <summary>Remote description applied → ICE selected a pair.</summary>
    public TimeSpan? IceDuration { get; init; }

    /// <summary>ICE selected a pair → DTLS handshake done (SRTP keys).</summary>
    public TimeSpan? DtlsDuration { get; init; }

    /// <summary>The negotiated DTLS version (<c>DTLS 1.2</c>), once the handshake completed.</summary>
    public string? DtlsVersion { get; init; }

    /// <summary>The negotiated cipher suite (IANA name), once the handshake completed.</summary>
    public string? DtlsCipherSuite { get; init; }
}
