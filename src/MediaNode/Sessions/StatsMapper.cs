using Serverless.Shared.Media;
using Serverless.WebRtc.Ice;
using Serverless.WebRtc.Peer;
using PeerMediaStats = Serverless.WebRtc.Media.MediaStats;

namespace Serverless.MediaNode.Sessions;

/// <summary>Turns the peer's RTP/RTCP counters into the <see cref="MediaEnded"/> statistics.</summary>
public static class StatsMapper
{
    /// <summary>Maps a peer's counters and how its media was connected (ICE pair, DTLS).</summary>
    public static MediaStats ToEventStats(PeerStats peer, DateTimeOffset? connectedAt, DateTimeOffset endedAt)
    {
        ArgumentNullException.ThrowIfNull(peer);
        return ToEventStats(peer.Media, connectedAt, endedAt) with { Transport = TransportOf(peer) };
    }

    /// <summary>The ICE and DTLS facts of a peer; null before ICE selected a pair.</summary>
    public static MediaTransport? TransportOf(PeerStats peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        return peer.LocalCandidateType is null && peer.IceDuration is null
            ? null
            : new MediaTransport
            {
                LocalCandidateType = TypeName(peer.LocalCandidateType),
                RemoteCandidateType = TypeName(peer.RemoteCandidateType),
                IceMs = peer.IceDuration is { } ice ? Math.Round(ice.TotalMilliseconds, 3) : null,
                DtlsMs = peer.DtlsDuration is { } dtls ? Math.Round(dtls.TotalMilliseconds, 3) : null,
                DtlsVersion = peer.DtlsVersion,
                DtlsCipherSuite = peer.DtlsCipherSuite,
            };
    }

    /// <summary>RFC 8839 §5.1's names (a=candidate … typ host|srflx|prflx|relay).</summary>
    private static string? TypeName(IceCandidateType? type) => type switch
    {
        IceCandidateType.Host => "host",
        IceCandidateType.ServerReflexive => "srflx",
        IceCandidateType.PeerReflexive => "prflx",
        IceCandidateType.Relayed => "relay",
        _ => null,
    };

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
