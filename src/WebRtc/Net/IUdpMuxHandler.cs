using System.Net;
using System.Net.Sockets;
using Serverless.WebRtc.Demux;

namespace Serverless.WebRtc.Net;

/// <summary>The peer behind one registration on the mux. Called on the mux's receive thread: keep it short.</summary>
internal interface IUdpMuxHandler
{
    /// <summary>A STUN message for this peer (a check carrying its ufrag, or a response to its request).</summary>
    void OnStun(ReadOnlySpan<byte> datagram, IPEndPoint from);

    /// <summary>A DTLS, RTP or RTCP datagram from the peer's registered media address.</summary>
    void OnMedia(ReadOnlySpan<byte> datagram, PacketKind kind, SocketAddress from);
}
