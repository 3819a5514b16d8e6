using System.Net;
using Serverless.WebRtc.Stun;

namespace Serverless.WebRtc.Ice;

/// <summary>How an agent puts datagrams on the wire (a per-peer socket, or the one-port mux).</summary>
internal interface IIceSender
{
    /// <summary>Sends a STUN request; the sender routes responses with this transaction id back to the agent.</summary>
    void SendRequest(StunTransactionId transactionId, ReadOnlySpan<byte> datagram, IPEndPoint remote);

    /// <summary>Sends any other datagram (responses, indications).</summary>
    void Send(ReadOnlySpan<byte> datagram, IPEndPoint remote);
}
