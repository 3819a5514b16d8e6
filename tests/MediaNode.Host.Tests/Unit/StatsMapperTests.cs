using Serverless.MediaNode.Sessions;
using Serverless.Shared.Media;
using PeerMediaStats = Serverless.WebRtc.Media.MediaStats;

namespace Serverless.MediaNode.Host.Tests.Unit;

public sealed class StatsMapperTests
{
    [Fact]
    public void LostPackets_AreReportedAsCounts_AndMosUsesRfc3550A3Loss()
    {
        var start = DateTimeOffset.UnixEpoch;
        var peer = new PeerMediaStats
        {
            PacketsReceived = 90, CumulativeLost = 10, RemoteCumulativeLost = 3, PacketsSent = 100, PayloadBytesSent = 8000,
            PayloadBytesReceived = 7200, JitterMilliseconds = 3, RoundTripTimeMilliseconds = 40,
        };

        var stats = StatsMapper.ToEventStats(peer, start, start.AddSeconds(12));

        Assert.Equal(10, stats.PacketsLost);
        Assert.Equal(3, stats.PacketsLostByRemote);
        Assert.Equal(0.1, MediaStats.LossFraction(stats.PacketsReceived, stats.PacketsLost), 6);
        Assert.Equal(12, stats.DurationSeconds, 6);
        Assert.Equal(100, stats.PacketsSent);
        Assert.Equal(8000, stats.BytesSent);
        Assert.Equal(7200, stats.BytesReceived);
        Assert.Equal(3, stats.JitterMs);
        Assert.Equal(40, stats.RoundTripMs);
        Assert.NotNull(stats.Mos);
        Assert.True(stats.Mos < 4);
    }

    [Fact]
    public void NeverConnected_HasZeroDurationAndNoMos()
    {
        var stats = StatsMapper.ToEventStats(new PeerMediaStats(), connectedAt: null, DateTimeOffset.UnixEpoch);

        Assert.Equal(0, stats.DurationSeconds);
        Assert.Null(stats.Mos);
        Assert.Equal(0, stats.PacketsLost);
        Assert.Null(stats.PacketsLostByRemote);
    }

    [Fact]
    public void The_selected_pair_and_the_DTLS_handshake_are_reported_with_RFC_8839_type_names()
    {
        var peer = new Serverless.WebRtc.Peer.PeerStats(new PeerMediaStats { PacketsReceived = 10 }, null, 0, 0, 3, 0, 2)
        {
            LocalCandidateType = Serverless.WebRtc.Ice.IceCandidateType.Host,
            RemoteCandidateType = Serverless.WebRtc.Ice.IceCandidateType.ServerReflexive,
            IceDuration = TimeSpan.FromMilliseconds(12.3456),
            DtlsDuration = TimeSpan.FromMilliseconds(48.5),
            DtlsVersion = "DTLS 1.2",
            DtlsCipherSuite = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        };

        var stats = StatsMapper.ToEventStats(peer, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddSeconds(2));

        Assert.Equal(10, stats.PacketsReceived);
        Assert.Equal(
            new MediaTransport
            {
                LocalCandidateType = "host", RemoteCandidateType = "srflx", IceMs = 12.346, DtlsMs = 48.5,
                DtlsVersion = "DTLS 1.2", DtlsCipherSuite = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            },
            stats.Transport);
        var relayed = StatsMapper.TransportOf(peer with { LocalCandidateType = Serverless.WebRtc.Ice.IceCandidateType.Relayed, RemoteCandidateType = Serverless.WebRtc.Ice.IceCandidateType.PeerReflexive });
        Assert.Equal(("relay", "prflx"), (relayed!.LocalCandidateType, relayed.RemoteCandidateType));
        // Before ICE selected a pair there is nothing to say.
        Assert.Null(StatsMapper.TransportOf(new Serverless.WebRtc.Peer.PeerStats(new PeerMediaStats(), null, 0, 0, 0, 0, 0)));
    }
}
