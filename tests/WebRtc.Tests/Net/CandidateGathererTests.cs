using System.Net;
using System.Net.Sockets;
using Serverless.WebRtc.Ice;
using Serverless.WebRtc.Net;
using Serverless.WebRtc.Stun;

namespace Serverless.WebRtc.Tests.Net;

public sealed class CandidateGathererTests
{
    [Fact]
    public void AConfiguredPublicAddressIsTheFirstHostCandidateOnTheNodePort()
    {
        // 203.0.113.0/24 is documentation space: it only appears in the SDP, nothing is sent there.
        var options = new CandidateGatheringOptions { PublicAddresses = [IPAddress.Parse("203.0.113.10")], IncludeLoopback = true };
        var candidates = CandidateGatherer.HostCandidates(40000, options);

        Assert.Equal(new IPEndPoint(IPAddress.Parse("203.0.113.10"), 40000), candidates[0].EndPoint);
        Assert.All(candidates, c => Assert.Equal(40000, c.EndPoint.Port));
        Assert.All(candidates, c => Assert.Equal(IceCandidateType.Host, c.Type));
        Assert.Contains(candidates, c => c.EndPoint.Address.Equals(IPAddress.Loopback));
    }

    [Fact]
    public void LoopbackIsLeftOutUnlessAsked()
    {
        var candidates = CandidateGatherer.HostCandidates(40000, new CandidateGatheringOptions());
        Assert.DoesNotContain(candidates, c => IPAddress.IsLoopback(c.EndPoint.Address));
    }

    [Fact]
    public void APortBoundToOneAddressAnnouncesOnlyThatAddress()
    {
        var candidates = CandidateGatherer.HostCandidates(40000, new CandidateGatheringOptions(), IPAddress.Loopback);
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 40000)], candidates.Select(c => c.EndPoint));
    }

    [Fact]
    public async Task Rfc8445_5_1_1_2_ServerReflexiveCandidateFromAStunServerThroughTheSharedPort()
    {
        using var mux = new UdpMux(new UdpMuxOptions { BindAddress = IPAddress.Loopback });
        using var stunServer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        stunServer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var mapped = new IPEndPoint(IPAddress.Parse("203.0.113.7"), 61000); // what a NAT would show: data only
        var serving = Task.Run(async () =>
        {
            var buffer = new byte[1500];
            var received = await stunServer.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0));
            Assert.True(StunMessage.TryParse(buffer.AsSpan(0, received.ReceivedBytes), out var request));
            var response = new byte[100];
            var writer = new StunMessageWriter(response, StunMessageType.BindingSuccessResponse, request.TransactionId);
            Assert.True(writer.TryAddXorMappedAddress(StunAddress.FromEndPoint(mapped)));
            Assert.True(writer.TryFinish(out var written));
            await stunServer.SendToAsync(response.AsMemory(0, written), received.RemoteEndPoint);
        });

        var candidates = await CandidateGatherer.GatherAsync(mux, new CandidateGatheringOptions { StunServer = (IPEndPoint)stunServer.LocalEndPoint! });
        await serving.WaitAsync(TimeSpan.FromSeconds(10));

        var srflx = Assert.Single(candidates, c => c.Type == IceCandidateType.ServerReflexive);
        Assert.Equal(mapped, srflx.EndPoint);
        Assert.Equal(mux.LocalEndPoint, srflx.RelatedEndPoint);
        Assert.Contains(candidates, c => c.Type == IceCandidateType.Host && c.EndPoint.Equals(mux.LocalEndPoint));
    }

    [Fact]
    public async Task ASilentStunServerDoesNotHoldGatheringPastItsTimeout()
    {
        using var mux = new UdpMux(new UdpMuxOptions { BindAddress = IPAddress.Loopback });
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        var candidates = await CandidateGatherer.GatherAsync(mux, new CandidateGatheringOptions
        {
            StunServer = (IPEndPoint)silent.LocalEndPoint!,
            StunTimeout = TimeSpan.FromMilliseconds(300),
        }).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.DoesNotContain(candidates, c => c.Type == IceCandidateType.ServerReflexive);
        Assert.NotEmpty(candidates);
        Assert.Equal(0, mux.ConnectionCount); // the gathering registration is gone
    }
}
