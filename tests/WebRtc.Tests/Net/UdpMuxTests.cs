using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Serverless.WebRtc.Demux;
using Serverless.WebRtc.Ice;
using Serverless.WebRtc.Net;
using Serverless.WebRtc.Stun;

namespace Serverless.WebRtc.Tests.Net;

public sealed class UdpMuxTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task IceAgentsConnectThroughTwoMuxesOverRealUdp()
    {
        using var muxA = new UdpMux(new UdpMuxOptions { BindAddress = IPAddress.Loopback });
        using var muxB = new UdpMux(new UdpMuxOptions { BindAddress = IPAddress.Loopback });
        var (a, _) = Agent(muxA, IceRole.Controlling);
        var (b, _) = Agent(muxB, IceRole.Controlled);
        var connected = Connected(a, b);

        a.SetRemote(b.LocalCredentials.Ufrag, b.LocalCredentials.Password, [IceCandidate.Host(muxB.LocalEndPoint, 65535)]);
        b.SetRemote(a.LocalCredentials.Ufrag, a.LocalCredentials.Password, [IceCandidate.Host(muxA.LocalEndPoint, 65535)]);
        a.Start();
        b.Start();

        await connected.WaitAsync(Wait);
        Assert.Equal(muxB.LocalEndPoint, a.SelectedPair!.RemoteEndPoint);
        Assert.Equal(muxA.LocalEndPoint, b.SelectedPair!.RemoteEndPoint);
        Assert.Equal(0, muxA.Counters.Dropped);
        a.Dispose();
        b.Dispose();
    }

    [Fact]
    public async Task DualModeSocketCarriesIPv6AndIPv4Peers()
    {
        using var server = new UdpMux(); // [::] dual mode
        var ipv6 = new IPEndPoint(IPAddress.IPv6Loopback, server.Port);
        var ipv4 = new IPEndPoint(IPAddress.Loopback, server.Port);
        using var muxV6 = new UdpMux(new UdpMuxOptions { BindAddress = IPAddress.IPv6Loopback });
        using var muxV4 = new UdpMux(new UdpMuxOptions { BindAddress = IPAddress.Loopback });

        foreach (var (client, target) in new[] { (muxV6, ipv6), (muxV4, ipv4) })
        {
            var (a, _) = Agent(client, IceRole.Controlling);
            // A wildcard-bound port is announced as one host candidate per interface address.
            var (b, _) = Agent(server, IceRole.Controlled, [IceCandidate.Host(ipv4, 65535), IceCandidate.Host(ipv6, 65000)]);
            var connected = Connected(a, b);
            a.SetRemote(b.LocalCredentials.Ufrag, b.LocalCredentials.Password, [IceCandidate.Host(target, 65535)]);
            b.SetRemote(a.LocalCredentials.Ufrag, a.LocalCredentials.Password, []);
            a.Start();
            b.Start();
            await connected.WaitAsync(Wait);
            Assert.Equal(client.LocalEndPoint, b.SelectedPair!.RemoteEndPoint); // IPv4 shows as IPv4, not ::ffff:
            a.Dispose();
            b.Dispose();
        }
    }

    [Fact]
    public async Task TwoHundredPeersOnOnePortEachGetOnlyTheirOwnTraffic()
    {
        const int peers = 200;
        using var mux = new UdpMux(new UdpMuxOptions { BindAddress = IPAddress.Loopback });
        var handlers = new Recorder[peers];
        var connections = new UdpMuxConnection[peers];
        var phones = new Socket[peers];
        try
        {
            for (var i = 0; i < peers; i++)
            {
                handlers[i] = new Recorder();
                connections[i] = mux.Register("peer" + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture), handlers[i]);
                phones[i] = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                phones[i].Bind(new IPEndPoint(IPAddress.Loopback, 0));
                connections[i].SetMediaRemote((IPEndPoint)phones[i].LocalEndPoint!);
            }

            for (var i = 0; i < peers; i++)
            {
                phones[i].SendTo(Check(connections[i].LocalUfrag), mux.LocalEndPoint);
                phones[i].SendTo(Rtp((uint)i), mux.LocalEndPoint);
            }

            // A stranger's RTP, and a check for an unknown ufrag: both dropped.
            using var stranger = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            stranger.SendTo(Rtp(9999), mux.LocalEndPoint);
            stranger.SendTo(Check("nobody"), mux.LocalEndPoint);

            await WaitUntil(() => mux.Counters.Received == (2 * peers) + 2);
            for (var i = 0; i < peers; i++)
            {
                Assert.Single(handlers[i].Stun);
                Assert.Equal([(uint)i], handlers[i].RtpSsrcs);
            }

            Assert.Equal(2, mux.Counters.Dropped);
        }
        finally
        {
            foreach (var p in phones)
            {
                p?.Dispose();
            }
        }
    }

    [Fact]
    public async Task ResponsesRouteByTransactionAndUnregisteredPeersGetNothing()
    {
        using var mux = new UdpMux(new UdpMuxOptions { BindAddress = IPAddress.Loopback });
        using var phone = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        phone.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var first = new Recorder();
        var second = new Recorder();
        using var one = mux.Register("one1", first);
        var two = mux.Register("two2", second);
        var id = StunTransactionId.NewRandom();
        two.SendRequest(id, Request(id), (IPEndPoint)phone.LocalEndPoint!);

        var buffer = new byte[1500];
        var n = await phone.ReceiveAsync(buffer).WaitAsync(Wait);
        Assert.True(StunMessage.TryParse(buffer.AsSpan(0, n), out var request));
        phone.SendTo(Response(request.TransactionId), mux.LocalEndPoint);
        await WaitUntil(() => second.Stun.Count == 1);
        Assert.Empty(first.Stun);

        two.Dispose();
        phone.SendTo(Check("two2"), mux.LocalEndPoint);
        await WaitUntil(() => mux.Counters.Dropped == 1);
        Assert.Single(second.Stun);
        Assert.Equal(1, mux.ConnectionCount);
    }

    // The --measure-inbound regression: simulated phones share one port, a phone left running after its call kept
    // retransmitting its DTLS server flight to the node, and the node's next call (same 5-tuple) took it for its own
    // handshake (decrypt_error). The newer selection owns the address both ways: the older peer no longer sends there.
    [Fact]
    public void APeerWhoseRemoteAddressANewerPeerTookSendsNoMoreMediaThere()
    {
        using var node = new UdpMux(new UdpMuxOptions { BindAddress = IPAddress.Loopback });
        using var phones = new UdpMux(new UdpMuxOptions { BindAddress = IPAddress.Loopback });
        var heard = new Recorder();
        using var nodeCall = node.Register("nodecall", heard);
        nodeCall.SetMediaRemote(phones.LocalEndPoint);
        using var oldCall = phones.Register("oldcall", new Recorder());
        oldCall.SetMediaRemote(node.LocalEndPoint);
        var newCall = phones.Register("newcall", new Recorder());
        newCall.SetMediaRemote(node.LocalEndPoint);

        // One socket to one socket on loopback keeps order: once the newer call's packet arrived, the older one's
        // (sent first) would have too.
        oldCall.SendMedia(Rtp(1));
        newCall.SendMedia(Rtp(2));
        Assert.True(SpinWait.SpinUntil(() => heard.Rtp.Contains(2u), Wait));

        // And after the newer call ended, the older one still has no flow: a third call takes the address afresh.
        newCall.Dispose();
        oldCall.SendMedia(Rtp(3));
        using var thirdCall = phones.Register("thirdcall", new Recorder());
        thirdCall.SetMediaRemote(node.LocalEndPoint);
        thirdCall.SendMedia(Rtp(4));
        Assert.True(SpinWait.SpinUntil(() => heard.Rtp.Contains(4u), Wait));

        Assert.Equal([2u, 4u], heard.RtpSsrcs);
        Assert.Equal(2, phones.Counters.MediaSendsRefused);
        Assert.Equal(1, phones.Counters.AddressConflicts);
    }

    [Fact]
    public void ASecondRegistrationOfOneUfragIsRefused()
    {
        using var mux = new UdpMux(new UdpMuxOptions { BindAddress = IPAddress.Loopback });
        using var first = mux.Register("same", new Recorder());
        Assert.Throws<InvalidOperationException>(() => mux.Register("same", new Recorder()));
    }

    private static (IceAgent Agent, UdpMuxConnection Connection) Agent(UdpMux mux, IceRole role, IceCandidate[]? candidates = null)
    {
        var credentials = IceCredentials.Generate();
        var forward = new Forwarder();
        var connection = mux.Register(credentials.Ufrag, forward);
        var agent = new IceAgent(credentials, role, candidates ?? [IceCandidate.Host(mux.LocalEndPoint, 65535)], connection);
        forward.Agent = agent;
        return (agent, connection);
    }

    private static Task Connected(params IceAgent[] agents) => Task.WhenAll(agents.Select(a =>
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        a.StateChanged += s =>
        {
            if (s == IceConnectionState.Connected)
            {
                tcs.TrySetResult();
            }
        };
        return tcs.Task;
    }));

    // Counters have no events to await: spin (yielding, then sleeping briefly) until true, or fail at the timeout.
    private static Task WaitUntil(Func<bool> condition) =>
        Task.Run(() => Assert.True(SpinWait.SpinUntil(condition, Wait), "condition not met within " + Wait));

    private static byte[] Check(string ufrag)
    {
        Span<byte> buffer = stackalloc byte[200];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingRequest, StunTransactionId.NewRandom());
        Assert.True(writer.TryAddUsername((ufrag + ":phone").AsSpan()));
        Assert.True(writer.TryFinish(out var written));
        return buffer[..written].ToArray();
    }

    private static byte[] Request(StunTransactionId id)
    {
        Span<byte> buffer = stackalloc byte[200];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingRequest, id);
        Assert.True(writer.TryFinish(out var written));
        return buffer[..written].ToArray();
    }

    private static byte[] Response(StunTransactionId id)
    {
        Span<byte> buffer = stackalloc byte[200];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingSuccessResponse, id);
        Assert.True(writer.TryFinish(out var written));
        return buffer[..written].ToArray();
    }

    private static byte[] Rtp(uint ssrc)
    {
        var packet = new byte[32];
        packet[0] = 0x80;
        packet[1] = 111;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), ssrc);
        return packet;
    }

    private sealed class Forwarder : IUdpMuxHandler
    {
        public IceAgent? Agent { get; set; }

        public void OnStun(ReadOnlySpan<byte> datagram, IPEndPoint from) => Agent?.ProcessStun(datagram, from);

        public void OnMedia(ReadOnlySpan<byte> datagram, PacketKind kind, SocketAddress from)
        {
        }
    }

    private sealed class Recorder : IUdpMuxHandler
    {
        public ConcurrentQueue<byte[]> Stun { get; } = new();

        public ConcurrentQueue<uint> Rtp { get; } = new();

        public uint[] RtpSsrcs => [.. Rtp];

        public void OnStun(ReadOnlySpan<byte> datagram, IPEndPoint from) => Stun.Enqueue(datagram.ToArray());

        public void OnMedia(ReadOnlySpan<byte> datagram, PacketKind kind, SocketAddress from) =>
            Rtp.Enqueue(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(datagram[8..]));
    }
}
