using System.Net;
using System.Net.Sockets;
using Serverless.WebRtc.Demux;
using Serverless.WebRtc.Ice;
using Serverless.WebRtc.Stun;

namespace Serverless.WebRtc.Net;

/// <summary>One peer's view of the shared port: its ICE sender, and the media path once ICE selected a pair.</summary>
internal sealed class UdpMuxConnection : IIceSender, IDisposable
{
    private readonly UdpMux _mux;
    private readonly IUdpMuxHandler _handler;
    private SocketAddress? _mediaRemote;
    private bool _ownsMediaRemote;
    private int _disposed;

    internal UdpMuxConnection(UdpMux mux, string localUfrag, IUdpMuxHandler handler)
    {
        _mux = mux;
        LocalUfrag = localUfrag;
        _handler = handler;
    }

    /// <summary>The ufrag this peer is registered under.</summary>
    public string LocalUfrag { get; }

    /// <summary>The remote address media goes to and is accepted from, once set.</summary>
    public IPEndPoint? MediaRemote { get; private set; }

    /// <inheritdoc />
    public void SendRequest(StunTransactionId transactionId, ReadOnlySpan<byte> datagram, IPEndPoint remote)
    {
        _mux.RouteTransaction(transactionId, this);
        Send(datagram, remote);
    }

    /// <inheritdoc />
    public void Send(ReadOnlySpan<byte> datagram, IPEndPoint remote)
    {
        if (Volatile.Read(ref _disposed) == 0)
        {
            _mux.SendTo(datagram, _mux.ToSocketAddress(remote));
        }
    }

    /// <summary>
    /// Routes DTLS/RTP/RTCP from <paramref name="remote"/> to this peer and sends media there: call it with
    /// the ICE-selected pair's remote address (and again if the selection changes).
    /// </summary>
    public void SetMediaRemote(IPEndPoint remote)
    {
        var address = _mux.ToSocketAddress(remote);
        if (_mediaRemote is { } previous && !previous.Equals(address))
        {
            _mux.UnrouteAddress(previous, this);
        }

        _mediaRemote = address;
        MediaRemote = remote;
        Volatile.Write(ref _ownsMediaRemote, true);
        _mux.RouteAddress(address, this);
    }

    /// <summary>
    /// Sends a datagram to the media remote; dropped when none is set yet, or when a newer peer on this port
    /// selected the same remote address (counted in <see cref="UdpMuxCounters.MediaSendsRefused"/>).
    /// </summary>
    public void SendMedia(ReadOnlySpan<byte> datagram)
    {
        if (_mediaRemote is not { } to || Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        if (!Volatile.Read(ref _ownsMediaRemote))
        {
            _mux.Counters.OnMediaSendRefused();
            return;
        }

        _mux.SendTo(datagram, to);
    }

    /// <summary>Unregisters this peer: nothing more is routed to it.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _mux.Unregister(this);
        }
    }

    // The mux routes this address to a newer peer now: what we would send there belongs to a flow that is
    // no longer ours (the remote cannot tell us apart from the newer peer).
    internal void OnMediaRemoteTaken(SocketAddress address)
    {
        if (_mediaRemote is { } current && current.Equals(address))
        {
            Volatile.Write(ref _ownsMediaRemote, false);
        }
    }

    internal void DeliverStun(ReadOnlySpan<byte> datagram, IPEndPoint from)
    {
        if (Volatile.Read(ref _disposed) == 0)
        {
            _handler.OnStun(datagram, from);
        }
    }

    internal void DeliverMedia(ReadOnlySpan<byte> datagram, PacketKind kind, SocketAddress from)
    {
        if (Volatile.Read(ref _disposed) == 0)
        {
            _handler.OnMedia(datagram, kind, from);
        }
    }
}
