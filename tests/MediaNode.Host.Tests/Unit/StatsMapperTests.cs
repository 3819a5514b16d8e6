using Serverless.MediaNode.Sessions;
using PeerMediaStats = Serverless.WebRtc.Media.MediaStats;

namespace Serverless.MediaNode.Host.Tests.Unit;

public sealed class StatsMapperTests
{
    [Fact]
    public void Rfc3550_A3_LossIsCumulativeLostOverExpected()
    {
        var start = DateTimeOffset.UnixEpoch;
        var peer = new PeerMediaStats { PacketsReceived = 90, CumulativeLost = 10, PacketsSent = 100, PayloadBytesSent = 8000, PayloadBytesReceived = 7200, JitterMilliseconds = 3, RoundTripTimeMilliseconds = 40 };

        var stats = StatsMapper.ToEventStats(peer, start, start.AddSeconds(12), "recordings/c.ogg");

        Assert.Equal(0.1, stats.LossFraction, 6);
        Assert.Equal(TimeSpan.FromSeconds(12), stats.Duration);
        Assert.Equal(100, stats.PacketsSent);
        Assert.Equal(7200, stats.BytesReceived);
        Assert.Equal(40, stats.RoundTripMs);
        Assert.Equal("recordings/c.ogg", stats.RecordingBlobName);
        Assert.NotNull(stats.Mos);
        Assert.True(stats.Mos < 4);
    }

    [Fact]
    public void NeverConnected_HasZeroDurationAndNoMos()
    {
        var stats = StatsMapper.ToEventStats(new PeerMediaStats(), connectedAt: null, DateTimeOffset.UnixEpoch, null);

        Assert.Equal(TimeSpan.Zero, stats.Duration);
        Assert.Null(stats.Mos);
        Assert.Equal(0, stats.LossFraction);
    }
}
