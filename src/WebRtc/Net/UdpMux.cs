using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Serverless.WebRtc.Demux;
using Serverless.WebRtc.Stun;

namespace Serverless.WebRtc.Net;

/// <summary>
/// One UDP port for every call of a node. A dedicated thread receives with blocking ReceiveFrom into one
/// reused buffer (perf-baselines: .NET's default async receive costs ~6× more per datagram at call rates)
/// and routes each datagram (RFC 7983 demux) to the peer it belongs to:
/// STUN requests by the local ufrag in USERNAME, STUN responses by the transaction id of the request the
/// peer sent, and DTLS/RTP/RTCP by the remote address the peer's ICE agent selected. Anything else is
/// dropped and counted, so a stranger cannot inject media into a call.
/// </summary>
public sealed class UdpMux : IDisposable
{
    private const int MaxDatagram = 2048;
    private readonly Socket _socket;
    private readonly UdpMuxOptions _options;
    private readonly Thread _receiver;
    private readonly ConcurrentDictionary<string, UdpMuxConnection> _byUfrag = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, UdpMuxConnection>.AlternateLookup<ReadOnlySpan<char>> _byUfragSpan;
    private readonly ConcurrentDictionary<StunTransactionId, (UdpMuxConnection Connection, long Expires)> _byTransaction = new();
    private readonly ConcurrentDictionary<SocketAddress, UdpMuxConnection> _byAddress = new();
    private readonly Lock _routeGate = new();
    private readonly TimeProvider _time;
    private readonly bool _dualMode;
    private volatile bool _disposed;
    private long _nextSweep;

    /// <summary>Binds the socket and starts the receive thread.</summary>
    public UdpMux(UdpMuxOptions? options = null, TimeProvider? timeProvider = null)
    {
        _options = options ?? new UdpMuxOptions();
        _time = timeProvider ?? TimeProvider.System;
        _socket = new Socket(_options.BindAddress.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        if (_options.BindAddress.AddressFamily == AddressFamily.InterNetworkV6)
        {
            _socket.DualMode = true;
            _dualMode = true;
        }

        _socket.ReceiveBufferSize = _options.ReceiveBufferBytes;
        // A short timeout lets the thread notice disposal even where closing does not wake a blocked receive.
        _socket.ReceiveTimeout = 250;
        _socket.Bind(new IPEndPoint(_options.BindAddress, _options.Port));
        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        _byUfragSpan = _byUfrag.GetAlternateLookup<ReadOnlySpan<char>>();
        _receiver = new Thread(ReceiveLoop) { IsBackground = true, Name = "udp-mux:" + LocalEndPoint.Port };
        _receiver.Start();
    }

    /// <summary>The bound address and port.</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>The one media port.</summary>
    public int Port => LocalEndPoint.Port;

    /// <summary>Routing counters.</summary>
    public UdpMuxCounters Counters { get; } = new();

    /// <summary>Peers registered now.</summary>
    public int ConnectionCount => _byUfrag.Count;

    /// <summary>Registers a peer by its local ICE ufrag (unique per node; <c>IceCredentials.Generate</c> gives 48 random bits).</summary>
    internal UdpMuxConnection Register(string localUfrag, IUdpMuxHandler handler)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var connection = new UdpMuxConnection(this, localUfrag, handler);
        if (!_byUfrag.TryAdd(localUfrag, connection))
        {
            throw new InvalidOperationException("A peer with this ufrag is already registered on the mux.");
        }

        return connection;
    }

    /// <summary>Stops the receive thread and closes the socket.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _socket.Dispose();
        if (Thread.CurrentThread != _receiver)
        {
            _receiver.Join(TimeSpan.FromSeconds(5));
        }
    }

    internal void Unregister(UdpMuxConnection connection)
    {
        _byUfrag.TryRemove(new KeyValuePair<string, UdpMuxConnection>(connection.LocalUfrag, connection));
        foreach (var (address, owner) in _byAddress)
        {
            if (ReferenceEquals(owner, connection))
            {
                _byAddress.TryRemove(address, out _);
            }
        }

        foreach (var (id, entry) in _byTransaction)
        {
            if (ReferenceEquals(entry.Connection, connection))
            {
                _byTransaction.TryRemove(id, out _);
            }
        }
    }

    internal void RouteTransaction(StunTransactionId transactionId, UdpMuxConnection connection)
    {
        var expires = _time.GetTimestamp() + (long)(_options.TransactionLifetime.TotalSeconds * _time.TimestampFrequency);
        _byTransaction[transactionId] = (connection, expires);
    }

    // One remote address is one media flow: DTLS and SRTP carry nothing that tells two calls on the same
    // 5-tuple apart. WhatsApp's relays give each call its own port, so a conflict is counted for operators
    // and the newest selection wins both ways: the older peer neither receives from nor sends to that
    // address any more, or its retransmitted DTLS flight would land in the newer call's handshake.
    internal void RouteAddress(SocketAddress address, UdpMuxConnection connection)
    {
        UdpMuxConnection? previous;
        lock (_routeGate)
        {
            previous = _byAddress.GetValueOrDefault(address);
            _byAddress[address] = connection;
        }

        if (previous is not null && !ReferenceEquals(previous, connection))
        {
            Counters.OnAddressConflict();
            previous.OnMediaRemoteTaken(address);
        }
    }

    internal void UnrouteAddress(SocketAddress address, UdpMuxConnection connection) =>
        _byAddress.TryRemove(new KeyValuePair<SocketAddress, UdpMuxConnection>(address, connection));

    /// <summary>The socket-address form the receive path sees for <paramref name="endPoint"/> (IPv4-mapped on a dual-mode socket).</summary>
    internal SocketAddress ToSocketAddress(IPEndPoint endPoint)
    {
        var normalized = _dualMode && endPoint.AddressFamily == AddressFamily.InterNetwork
            ? new IPEndPoint(endPoint.Address.MapToIPv6(), endPoint.Port)
            : endPoint;
        return normalized.Serialize();
    }

    internal void SendTo(ReadOnlySpan<byte> datagram, SocketAddress to)
    {
        if (_disposed)
        {
            return;
        }

        try
        {
            _socket.SendTo(datagram, SocketFlags.None, to);
        }
        catch (SocketException)
        {
            // UDP send errors (ICMP unreachable echoed back, no route) must not kill a call; ICE/consent notice loss.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private void ReceiveLoop()
    {
        var buffer = GC.AllocateUninitializedArray<byte>(MaxDatagram, pinned: true);
        var from = new SocketAddress(_socket.AddressFamily);
        while (!_disposed)
        {
            int length;
            try
            {
                length = _socket.ReceiveFrom(buffer, SocketFlags.None, from);
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock or SocketError.ConnectionReset or SocketError.MessageSize)
            {
                SweepTransactions();
                continue;
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return; // socket closed
            }

            Counters.OnReceived();
            try
            {
                Route(buffer.AsSpan(0, length), from);
            }
#pragma warning disable CA1031 // one peer's bug must not stop every call on the node: count it and go on
            catch (Exception)
#pragma warning restore CA1031
            {
                Counters.OnHandlerFailed();
            }
            SweepTransactions();
        }
    }

    private void Route(ReadOnlySpan<byte> datagram, SocketAddress from)
    {
        var kind = PacketClassifier.Classify(datagram);
        UdpMuxConnection? connection;
        if (kind == PacketKind.Stun)
        {
            connection = RouteStun(datagram);
            if (connection is null)
            {
                Counters.OnDropped();
                return;
            }

            Counters.OnStunRouted();
            connection.DeliverStun(datagram, ToEndPoint(from));
            return;
        }

        if (kind is PacketKind.Dtls or PacketKind.Rtp or PacketKind.Rtcp && _byAddress.TryGetValue(from, out connection))
        {
            Counters.OnMediaRouted();
            connection.DeliverMedia(datagram, kind, from);
            return;
        }

        Counters.OnDropped();
    }

    private UdpMuxConnection? RouteStun(ReadOnlySpan<byte> datagram)
    {
        if (!StunMessage.TryParse(datagram, out var message))
        {
            return null;
        }

        if (message.MessageType.Class is StunMessageClass.SuccessResponse or StunMessageClass.ErrorResponse)
        {
            return _byTransaction.TryRemove(message.TransactionId, out var entry) ? entry.Connection : null;
        }

        if (!message.TryGetUsername(out var username))
        {
            return null;
        }

        // USERNAME is "<our ufrag>:<their ufrag>" (RFC 8445 §7.2.2); ufrags are ice-chars, i.e. ASCII.
        var colon = username.IndexOf((byte)':');
        if (colon <= 0 || colon > 256)
        {
            return null;
        }

        Span<char> ufrag = stackalloc char[colon];
        for (var i = 0; i < colon; i++)
        {
            ufrag[i] = (char)username[i];
        }

        return _byUfragSpan.TryGetValue(ufrag, out var connection) ? connection : null;
    }

    private static IPEndPoint ToEndPoint(SocketAddress address)
    {
        var template = address.Family == AddressFamily.InterNetwork ? new IPEndPoint(IPAddress.Any, 0) : new IPEndPoint(IPAddress.IPv6Any, 0);
        var endPoint = (IPEndPoint)template.Create(address);
        return endPoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port) : endPoint;
    }

    private void SweepTransactions()
    {
        var now = _time.GetTimestamp();
        if (now < _nextSweep)
        {
            return;
        }

        _nextSweep = now + (5 * _time.TimestampFrequency);
        foreach (var (id, entry) in _byTransaction)
        {
            if (entry.Expires < now)
            {
                _byTransaction.TryRemove(id, out _);
            }
        }
    }
}
