using Serverless.Shared.Media;
using PeerMediaStats = Serverless.WebRtc.Media.MediaStats;

namespace Serverless.MediaNode.Sessions;

/// <summary>Turns the peer's RTP/RTCP counters into the <see cref="MediaEnded"/> statistics.</summary>
public static class StatsMapper
{
    /// <summary>Maps peer counters; duration from media connected (zero when media never connected).</summary>
    public static MediaStats ToEventStats(PeerMediaStats peer, DateTimeOffset? connectedAt, DateTimeOffset endedAt)
    {
        ArgumentNullException.ThrowIfNull(peer);
        var lost = Math.Max(0, peer.CumulativeLost);
        var connected = connectedAt is not null;
        return new MediaStats
        {
            DurationSeconds = connected ? (endedAt - connectedAt!.Value).TotalSeconds : 0,
            PacketsSent = peer.PacketsSent,
            PacketsReceived = peer.PacketsReceived,
            BytesSent = peer.PayloadBytesSent,
            BytesReceived = peer.PayloadBytesReceived,
            PacketsLost = lost,
            PacketsLostByRemote = peer.RemoteCumulativeLost is { } remote ? Math.Max(0, remote) : null,
            JitterMs = peer.JitterMilliseconds,
            RoundTripMs = peer.RoundTripTimeMilliseconds,
            Mos = connected ? Math.Round(MosEstimator.Estimate(peer.RoundTripTimeMilliseconds, peer.JitterMilliseconds, MediaStats.LossFraction(peer.PacketsReceived, lost)), 2) : null,
        };
    }
}
