using System.Net;
using Microsoft.Extensions.Time.Testing;
using Serverless.WebRtc.Ice;
using Serverless.WebRtc.Stun;

namespace Serverless.WebRtc.Tests.Ice;

/// <summary>
/// A deterministic in-memory network for ICE agents: datagrams are queued and delivered by the test,
/// and time moves only through the shared <see cref="FakeTimeProvider"/>.
/// </summary>
internal sealed class IceTestNetwork
{
    private readonly Dictionary<IPEndPoint, IceAgent> _hosts = [];
    private readonly Queue<(IPEndPoint From, IPEndPoint To, byte[] Datagram)> _inFlight = new();

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero));

    /// <summary>Return false to drop a datagram.</summary>
    public Func<IPEndPoint, IPEndPoint, byte[], bool> Filter { get; set; } = (_, _, _) => true;

    public int Delivered { get; private set; }

    public IceAgent AddAgent(IPEndPoint address, IceRole role, IceAgentOptions? options = null, IceCredentials? credentials = null)
    {
        var agent = new IceAgent(
            credentials ?? IceCredentials.Generate(),
            role,
            [IceCandidate.Host(address, 65535)],
            new Sender(this, address),
            options,
            Time);
        _hosts[address] = agent;
        return agent;
    }

    /// <summary>Delivers queued datagrams and advances time in Ta steps until the condition holds.</summary>
    public bool RunUntil(Func<bool> condition, TimeSpan limit)
    {
        var end = Time.GetUtcNow() + limit;
        while (true)
        {
            DeliverAll();
            if (condition())
            {
                return true;
            }

            if (Time.GetUtcNow() >= end)
            {
                return false;
            }

            Time.Advance(TimeSpan.FromMilliseconds(10));
        }
    }

    public void DeliverAll()
    {
        while (_inFlight.TryDequeue(out var d))
        {
            if (Filter(d.From, d.To, d.Datagram) && _hosts.TryGetValue(d.To, out var agent))
            {
                Delivered++;
                agent.ProcessStun(d.Datagram, d.From);
            }
        }
    }

    private sealed class Sender(IceTestNetwork network, IPEndPoint self) : IIceSender
    {
        public void Send(ReadOnlySpan<byte> datagram, IPEndPoint remote) => network._inFlight.Enqueue((self, remote, datagram.ToArray()));

        public void SendRequest(StunTransactionId transactionId, ReadOnlySpan<byte> datagram, IPEndPoint remote) => Send(datagram, remote);
    }
}
