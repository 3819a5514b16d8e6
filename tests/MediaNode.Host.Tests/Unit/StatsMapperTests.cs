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
}
