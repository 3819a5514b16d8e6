using Serverless.Shared.Media;
using PeerMediaStats = Serverless.WebRtc.Media.MediaStats;

namespace Serverless.MediaNode.Sessions;

/// <summary>Turns the peer's RTP/RTCP counters into the <see cref="MediaEnded"/> statistics.</summary>
public static class StatsMapper
{
    /// <summary>Maps peer counters; duration from media connected (zero when media never connected).</summary>
    public static MediaStats ToEventStats(PeerMediaStats peer, DateTimeOffset? connectedAt, DateTimeOffset endedAt, string? recordingBlobName)
    {
        ArgumentNullException.ThrowIfNull(peer);
        var lost = Math.Max(0, peer.CumulativeLost);
        var expected = peer.PacketsReceived + lost;
        // Whole-call loss (RFC 3550 A.3 cumulative lost over expected), not the last interval's fraction.
        var loss = expected > 0 ? (double)lost / expected : 0;
        var connected = connectedAt is not null;
        return new MediaStats
        {
            Duration = connected ? endedAt - connectedAt!.Value : TimeSpan.Zero,
            PacketsSent = peer.PacketsSent,
            PacketsReceived = peer.PacketsReceived,
            BytesSent = peer.PayloadBytesSent,
            BytesReceived = peer.PayloadBytesReceived,
            LossFraction = loss,
            JitterMs = peer.JitterMilliseconds,
            RoundTripMs = peer.RoundTripTimeMilliseconds,
            Mos = connected ? Math.Round(MosEstimator.Estimate(peer.RoundTripTimeMilliseconds, peer.JitterMilliseconds, loss), 2) : null,
            RecordingBlobName = recordingBlobName,
        };
    }
}
