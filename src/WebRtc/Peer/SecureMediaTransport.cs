using System.Net;
using System.Net.Sockets;
using Serverless.WebRtc.Demux;
using Serverless.WebRtc.Dtls;
using Serverless.WebRtc.Ice;
using Serverless.WebRtc.Net;
using Serverless.WebRtc.Srtp;

namespace Serverless.WebRtc.Peer;

/// <summary>
/// ICE, then DTLS, then SRTP for one peer on the shared port: once ICE selects a pair, media is only
/// accepted from that address (the mux routes nothing else here), the DTLS handshake runs over it with
/// the role from a=setup, and its exported keys feed the SRTP contexts. RTP and RTCP are then
/// protected and unprotected in place.
/// </summary>
internal sealed class SecureMediaTransport : IUdpMuxHandler, IDisposable
{
    private const int MaxPacket = 1500;

    // SRTP that beats our DTLS completion (the peer finished first and started talking) waits here, up to
    // about a second of audio plus RTCP, instead of being dropped; beyond that it is dropped and counted.
    private const int MaxEarlyPackets = 64;
    private readonly Queue<(byte[] Datagram, PacketKind Kind)> _early = new();
    private readonly Lock _gate = new();
    private readonly UdpMuxConnection _connection;
    private readonly IceCredentials _localIce;
    private readonly IReadOnlyList<IceCandidate> _localCandidates;
    private readonly DtlsCertificate _certificate;
    private readonly PeerOptions _options;
    private readonly TimeProvider _time;
    private readonly byte[] _receiveBuffer = new byte[MaxPacket];
    private readonly IceAgent _agent;
    private DtlsRole _dtlsRole;
    private CertificateFingerprint? _remoteFingerprint;
    private bool _started;
    private DtlsPacketChannel? _dtlsChannel;
    private DtlsSrtpSession? _dtls;
    private SrtpContext? _outbound;
    private SrtpContext? _inbound;
    private bool _dtlsStarted;
    private long _unprotectFailures;
    private long _earlyMedia;
    private long _startedTicks;
    private long _iceConnectedTicks;
    private long _dtlsDoneTicks;

    public SecureMediaTransport(UdpMux mux, IceCredentials localIce, IReadOnlyList<IceCandidate> localCandidates, DtlsCertificate certificate, PeerOptions options, TimeProvider time)
    {
        _localIce = localIce;
        _localCandidates = localCandidates;
        _certificate = certificate;
        _options = options;
        _time = time;
        // The agent exists from the start, so a peer that got our offer and checks before its answer
        // reaches us is answered (RFC 8445 §7.3) and its address learned as peer-reflexive, instead of
        // dropped until the answer arrives. Its role is provisional until Start: an offerer controls
        // unless it is lite (RFC 8445 §6.1.1).
        // (Registered first: nobody can address this ufrag before our SDP is out, so nothing arrives in between.)
        _connection = mux.Register(localIce.Ufrag, this);
        _agent = new IceAgent(localIce, options.Ice.Lite ? IceRole.Controlled : IceRole.Controlling, localCandidates, _connection, options.Ice, time);
        _agent.StateChanged += OnIceState;
    }

    /// <summary>Raised once for every state change (ICE and DTLS combined).</summary>
    public event Action<PeerConnectionState, PeerFailure>? StateChanged;

    /// <summary>A decrypted RTP packet; the span is only valid during the call (receive thread).</summary>
    public event RtpPacketReceived? RtpReceived;

    /// <summary>A decrypted RTCP compound packet; valid during the call only.</summary>
    public event RtpPacketReceived? RtcpReceived;

    public PeerConnectionState State { get; private set; } = PeerConnectionState.New;

    public PeerFailure Failure { get; private set; }

    /// <summary>How the DTLS handshake failed, when it did.</summary>
    public DtlsHandshakeException? DtlsError { get; private set; }

    public SrtpProtectionProfile? Profile => _dtls?.Profile;

    public IPEndPoint? SelectedRemote => _agent.SelectedPair?.RemoteEndPoint;

    /// <summary>The selected pair's candidate types (ours, the peer's), once ICE selected one.</summary>
    public (IceCandidateType Local, IceCandidateType Remote)? SelectedTypes =>
        _agent.SelectedPair is { } pair ? (pair.Local.Type, pair.Remote.Type) : null;

    /// <summary>Remote description applied → ICE selected a pair, once it did.</summary>
    public TimeSpan? IceDuration => Between(ref _startedTicks, ref _iceConnectedTicks);

    /// <summary>ICE selected a pair → the DTLS handshake completed (SRTP keys), once it did.</summary>
    public TimeSpan? DtlsDuration => Between(ref _iceConnectedTicks, ref _dtlsDoneTicks);

    /// <summary>The DTLS session once the handshake completed (its version and cipher suite).</summary>
    public DtlsSrtpSession? Dtls => _dtls;

    public IceAgentCounters IceCounters => _agent.Counters;

    /// <summary>SRTP/SRTCP packets that failed authentication or replay checks and were dropped.</summary>
    public long UnprotectFailures => Interlocked.Read(ref _unprotectFailures);

    /// <summary>RTP/RTCP that arrived before keys existed and was dropped because the early-packet buffer was full.</summary>
    public long EarlyMediaDropped => Interlocked.Read(ref _earlyMedia);

    public void Start(RemoteDescription remote, IceRole iceRole, DtlsRole dtlsRole)
    {
        lock (_gate)
        {
            if (_started)
            {
                throw new InvalidOperationException("The remote description is already set.");
            }

            _started = true;
            _dtlsRole = dtlsRole;
            _remoteFingerprint = remote.Fingerprint;
            _agent.SetRole(iceRole);
            _agent.SetRemote(remote.IceUfrag, remote.IcePassword, remote.Candidates);
        }

        Volatile.Write(ref _startedTicks, _time.GetTimestamp());
        SetState(PeerConnectionState.Connecting, PeerFailure.None);
        _agent.Start();
    }

    /// <summary>Protects an RTP packet in place (the buffer has room for the tag) and sends it; false before keys exist.</summary>
    public bool SendRtp(Span<byte> buffer, int length)
    {
        var context = Volatile.Read(ref _outbound);
        if (context is null || State is not (PeerConnectionState.Connected or PeerConnectionState.Disconnected)
            || !context.TryProtectRtp(buffer, length, out var protectedLength))
        {
            return false;
        }

        _connection.SendMedia(buffer[..protectedLength]);
        return true;
    }

    /// <summary>Protects an RTCP compound packet in place and sends it.</summary>
    public bool SendRtcp(Span<byte> buffer, int length)
    {
        var context = Volatile.Read(ref _outbound);
        if (context is null || !context.TryProtectRtcp(buffer, length, out var protectedLength))
        {
            return false;
        }

        _connection.SendMedia(buffer[..protectedLength]);
        return true;
    }

    // Before Start too: early checks are answered (RFC 8445 §7.3).
    public void OnStun(ReadOnlySpan<byte> datagram, IPEndPoint from) => _agent?.ProcessStun(datagram, from);

    public void OnMedia(ReadOnlySpan<byte> datagram, PacketKind kind, SocketAddress from)
    {
        if (kind == PacketKind.Dtls)
        {
            _dtlsChannel?.Deliver(datagram);
            return;
        }

        if (datagram.Length > _receiveBuffer.Length)
        {
            Interlocked.Increment(ref _unprotectFailures);
            return;
        }

        var inbound = Volatile.Read(ref _inbound);
        if (inbound is null)
        {
            lock (_early)
            {
                inbound = Volatile.Read(ref _inbound); // the keys may have landed meanwhile
                if (inbound is null)
                {
                    if (_early.Count < MaxEarlyPackets)
                    {
                        _early.Enqueue((datagram.ToArray(), kind));
                    }
                    else
                    {
                        Interlocked.Increment(ref _earlyMedia);
                    }

                    return;
                }
            }
        }

        // The mux owns its buffer: decrypt a copy (the mux calls us on its one receive thread).
        Unprotect(inbound, datagram, kind, _receiveBuffer);
    }

    private void Unprotect(SrtpContext inbound, ReadOnlySpan<byte> datagram, PacketKind kind, byte[] scratch)
    {
        var buffer = scratch.AsSpan();
        datagram.CopyTo(buffer);
        if (kind == PacketKind.Rtp)
        {
            if (inbound.UnprotectRtp(buffer, datagram.Length, out var plain) == SrtpResult.Ok)
            {
                RtpReceived?.Invoke(buffer[..plain]);
                return;
            }
        }
        else if (inbound.UnprotectRtcp(buffer, datagram.Length, out var plain) == SrtpResult.Ok)
        {
            RtcpReceived?.Invoke(buffer[..plain]);
            return;
        }

        Interlocked.Increment(ref _unprotectFailures);
    }

    public void Dispose()
    {
        _dtls?.Close(); // close_notify (RFC 5764 §4.4: ends the DTLS association; SRTP keys die with it)
        _agent.Close();
        _connection.Dispose();
        _dtlsChannel?.Dispose();
        Interlocked.Exchange(ref _outbound, null)?.Dispose();
        Interlocked.Exchange(ref _inbound, null)?.Dispose();
        SetState(PeerConnectionState.Closed, Failure);
    }

    private void OnIceState(IceConnectionState state)
    {
        switch (state)
        {
            case IceConnectionState.Connected:
                var startDtls = false;
                lock (_gate)
                {
                    if (!_dtlsStarted && _agent.SelectedPair is { } pair)
                    {
                        _dtlsStarted = true;
                        startDtls = true;
                        _connection.SetMediaRemote(pair.RemoteEndPoint);
                        _dtlsChannel = new DtlsPacketChannel(d => _connection.SendMedia(d));
                    }
                }

                if (startDtls)
                {
                    Volatile.Write(ref _iceConnectedTicks, _time.GetTimestamp());
                    _ = RunDtlsAsync(_dtlsRole, _remoteFingerprint!);
                }
                else if (_outbound is not null)
                {
                    SetState(PeerConnectionState.Connected, PeerFailure.None);
                }

                break;
            case IceConnectionState.Disconnected:
                SetState(PeerConnectionState.Disconnected, PeerFailure.None);
                break;
            case IceConnectionState.Failed:
                SetState(PeerConnectionState.Failed, _outbound is null ? PeerFailure.IceFailed : PeerFailure.ConsentLost);
                break;
        }
    }

    private async Task RunDtlsAsync(DtlsRole role, CertificateFingerprint remoteFingerprint)
    {
        try
        {
            var session = await DtlsSrtpSession.HandshakeAsync(role, _certificate, remoteFingerprint, _dtlsChannel!, _options.Dtls);
            var keys = SrtpKeyingMaterial.FromDtlsExporter(session.KeyingMaterial, session.Profile, role == DtlsRole.Client);
            _dtls = session;
            var inbound = keys.CreateInboundContext();
            lock (_early)
            {
                // Deliver what arrived early, in order, before the receive thread may use the keys (it
                // waits on this lock while _inbound is still null), so packets are never handled twice at once.
                var scratch = new byte[MaxPacket];
                while (_early.TryDequeue(out var early))
                {
                    Unprotect(inbound, early.Datagram, early.Kind, scratch);
                }

                Volatile.Write(ref _inbound, inbound);
            }

            Volatile.Write(ref _outbound, keys.CreateOutboundContext());
            keys.Clear();
            Volatile.Write(ref _dtlsDoneTicks, _time.GetTimestamp());
            SetState(PeerConnectionState.Connected, PeerFailure.None);
        }
        catch (DtlsHandshakeException ex)
        {
            DtlsError = ex;
            SetState(PeerConnectionState.Failed, ex.Failure == DtlsFailure.FingerprintMismatch ? PeerFailure.FingerprintMismatch : PeerFailure.DtlsFailed);
        }
    }

    private TimeSpan? Between(ref long from, ref long to)
    {
        var (start, end) = (Volatile.Read(ref from), Volatile.Read(ref to));
        return start == 0 || end == 0 ? null : _time.GetElapsedTime(start, end);
    }

    private void SetState(PeerConnectionState state, PeerFailure failure)
    {
        lock (_gate)
        {
            if (State == state || State == PeerConnectionState.Closed || (State == PeerConnectionState.Failed && state != PeerConnectionState.Closed))
            {
                return;
            }

            State = state;
            Failure = failure == PeerFailure.None ? Failure : failure;
        }

        StateChanged?.Invoke(state, failure);
    }
}

/// <summary>A decrypted packet, valid only during the callback.</summary>
internal delegate void RtpPacketReceived(ReadOnlySpan<byte> packet);
