using System.Net;
using System.Security.Cryptography;
using Serverless.WebRtc.Stun;

namespace Serverless.WebRtc.Ice;

/// <summary>
/// One ICE agent for one audio stream with rtcp-mux (a single component), full or lite (RFC 8445),
/// with consent freshness (RFC 7675). It never touches a socket: datagrams go out through
/// <see cref="IIceSender"/> and STUN datagrams come in through <see cref="ProcessStun"/>, so the same
/// agent runs on a per-peer socket, on the one-port mux, or on an in-memory network in tests.
/// Thread-safe: state is guarded by one lock, and sends and events happen outside it.
/// </summary>
internal sealed partial class IceAgent : IDisposable
{
    private readonly Lock _gate = new();
    private readonly IIceSender _sender;
    private readonly IceAgentOptions _options;
    private readonly TimeProvider _time;
    private readonly List<IceCandidate> _local;
    private readonly List<IceCandidate> _remote = [];
    private readonly List<CandidatePair> _pairs = [];
    private readonly Queue<CandidatePair> _triggered = new();
    private readonly byte[] _localKey;
    private byte[]? _remoteKey;
    private string? _remoteUfrag;
    private ITimer? _timer;
    private DateTimeOffset _checksStarted;
    private DateTimeOffset _nextOrdinaryCheck;
    private DateTimeOffset _lastConsent;
    private DateTimeOffset _nextConsent;
    private StunTransactionId _consentTransaction;
    private int _consentTransmissions;
    private bool _started;
    private CandidatePair? _earlyNomination;

    /// <summary>Creates an agent with our credentials, role and local candidates.</summary>
    public IceAgent(
        IceCredentials localCredentials,
        IceRole role,
        IEnumerable<IceCandidate> localCandidates,
        IIceSender sender,
        IceAgentOptions? options = null,
        TimeProvider? timeProvider = null)
    {
        LocalCredentials = localCredentials ?? throw new ArgumentNullException(nameof(localCredentials));
        _sender = sender ?? throw new ArgumentNullException(nameof(sender));
        _options = options ?? new IceAgentOptions();
        _time = timeProvider ?? TimeProvider.System;
        _local = [.. localCandidates];
        _localKey = StunCredentials.ShortTermKey(localCredentials.Password);
        Role = role;
        TieBreaker = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
    }

    /// <summary>Raised outside the agent's lock whenever <see cref="State"/> changes.</summary>
    public event Action<IceConnectionState>? StateChanged;

    /// <summary>Raised when the agent's timer hit an unexpected error; the agent is then failed.</summary>
    public event Action<Exception>? Faulted;

    /// <summary>Our ufrag and password.</summary>
    public IceCredentials LocalCredentials { get; }

    /// <summary>Current role; changes on a role conflict (RFC 8445 §7.3.1.1).</summary>
    public IceRole Role { get; private set; }

    /// <summary>The 64-bit tie-breaker of RFC 8445 §7.1.1.</summary>
    public ulong TieBreaker { get; }

    /// <summary>Connection state.</summary>
    public IceConnectionState State { get; private set; } = IceConnectionState.New;

    /// <summary>The nominated pair media flows on, once connected.</summary>
    public CandidatePair? SelectedPair { get; private set; }

    /// <summary>Counters for stats and security tests.</summary>
    public IceAgentCounters Counters { get; } = new();

    /// <summary>A snapshot of the checklist.</summary>
    public IReadOnlyList<CandidatePair> Pairs
    {
        get
        {
            lock (_gate)
            {
                return [.. _pairs];
            }
        }
    }

    /// <summary>
    /// Sets the role negotiated by offer/answer (RFC 8445 §6.1.1) when it differs from the one the agent was
    /// created with; only before <see cref="Start"/> (the agent answers early checks with its provisional role).
    /// </summary>
    public void SetRole(IceRole role)
    {
        lock (_gate)
        {
            if (_started)
            {
                throw new InvalidOperationException("The ICE role is fixed once checks started.");
            }

            Role = role;
            _pairs.Sort((a, b) => b.Priority(Role).CompareTo(a.Priority(Role)));
        }
    }

    /// <summary>Sets the peer's credentials and candidates (complete: WhatsApp does not trickle).</summary>
    public void SetRemote(string ufrag, string password, IEnumerable<IceCandidate> candidates)
    {
        ArgumentException.ThrowIfNullOrEmpty(ufrag);
        ArgumentException.ThrowIfNullOrEmpty(password);
        var outbox = new Outbox();
        lock (_gate)
        {
            _remoteUfrag = ufrag;
            _remoteKey = StunCredentials.ShortTermKey(password);
            foreach (var candidate in candidates)
            {
                AddRemoteLocked(candidate);
            }
        }

        outbox.Flush(this);
    }

    /// <summary>Starts connectivity checks (a lite agent only waits for the peer's checks).</summary>
    public void Start()
    {
        var outbox = new Outbox();
        lock (_gate)
        {
            if (_started || State == IceConnectionState.Closed)
            {
                return;
            }

            _started = true;
            _checksStarted = _time.GetUtcNow();
            _nextOrdinaryCheck = _checksStarted;
            foreach (var pair in _pairs.Where(p => p.State == CandidatePairState.Frozen))
            {
                pair.State = CandidatePairState.Waiting;
            }

            SetStateLocked(IceConnectionState.Checking, outbox);
            _timer = _time.CreateTimer(_ => Tick(), null, _options.CheckPacing, _options.CheckPacing);
            if (_options.Lite && _earlyNomination is { } nominated)
            {
                SelectLocked(nominated, _checksStarted, outbox);
            }
            else if (!_options.Lite)
            {
                SendNextCheckLocked(_checksStarted, outbox); // the first check goes now, not one Ta later
            }
        }

        outbox.Flush(this);
    }

    /// <summary>True when media from <paramref name="remote"/> may be accepted: it is the selected pair's address.</summary>
    public bool IsSelectedRemote(IPEndPoint remote)
    {
        var selected = SelectedPair;
        return selected is not null && selected.RemoteEndPoint.Equals(remote) && State is IceConnectionState.Connected or IceConnectionState.Disconnected;
    }

    /// <summary>Stops checks and consent; the state becomes <see cref="IceConnectionState.Closed"/>.</summary>
    public void Close()
    {
        var outbox = new Outbox();
        lock (_gate)
        {
            _timer?.Dispose();
            _timer = null;
            SetStateLocked(IceConnectionState.Closed, outbox);
        }

        outbox.Flush(this);
    }

    /// <inheritdoc />
    public void Dispose() => Close();

    private void AddRemoteLocked(IceCandidate candidate)
    {
        if (candidate.Protocol != IceTransportProtocol.Udp || candidate.Component != 1 || _remote.Any(r => r.EndPoint.Equals(candidate.EndPoint)))
        {
            return;
        }

        _remote.Add(candidate);
        var local = LocalFor(candidate.EndPoint);
        if (local is null)
        {
            return; // RFC 8445 §6.1.2.2: only pair candidates of the same address family
        }

        var pair = new CandidatePair(local, candidate) { State = _started ? CandidatePairState.Waiting : CandidatePairState.Frozen };
        _pairs.Add(pair);
        _pairs.Sort((a, b) => b.Priority(Role).CompareTo(a.Priority(Role)));
    }

    // Every local candidate shares one socket (one port for all calls), so pairs with the same remote
    // would be redundant (RFC 8445 §6.1.2.4): one pair per remote, with the local candidate that fits it.
    private IceCandidate? LocalFor(IPEndPoint remote)
    {
        var sameFamily = _local.Where(l => l.EndPoint.AddressFamily == remote.AddressFamily).ToList();
        return sameFamily.FirstOrDefault(l => IPAddress.IsLoopback(l.EndPoint.Address) == IPAddress.IsLoopback(remote.Address))
            ?? sameFamily.OrderByDescending(l => l.Priority).FirstOrDefault();
    }

    private void SetStateLocked(IceConnectionState state, Outbox outbox)
    {
        if (State == state || State == IceConnectionState.Closed)
        {
            return;
        }

        State = state;
        outbox.States.Add(state);
    }

    /// <summary>Datagrams and events collected under the lock and released after it.</summary>
    private sealed class Outbox
    {
        public List<(byte[] Datagram, IPEndPoint To, StunTransactionId? Request)> Datagrams { get; } = [];

        public List<IceConnectionState> States { get; } = [];

        public void Flush(IceAgent agent)
        {
            foreach (var (datagram, to, request) in Datagrams)
            {
                if (request is { } id)
                {
                    agent._sender.SendRequest(id, datagram, to);
                }
                else
                {
                    agent._sender.Send(datagram, to);
                }
            }

            foreach (var state in States)
            {
                agent.StateChanged?.Invoke(state);
            }
        }
    }
}
