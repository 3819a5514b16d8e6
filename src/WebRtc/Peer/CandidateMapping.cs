using System.Net;
using Serverless.WebRtc.Ice;
using Serverless.WebRtc.Sdp;

namespace Serverless.WebRtc.Peer;

/// <summary>Between SDP candidate lines (text) and ICE candidates (addresses).</summary>
internal static class CandidateMapping
{
    /// <summary>An ICE candidate for an SDP line; null for FQDN addresses (we never resolve names from a peer's SDP).</summary>
    public static IceCandidate? ToIce(IceCandidateLine line)
    {
        if (!IPAddress.TryParse(line.Address, out var address) || line.Port is < 0 or > 65535)
        {
            return null;
        }

        IPEndPoint? related = null;
        if (line.RelatedAddress is { } raddr && line.RelatedPort is { } rport && IPAddress.TryParse(raddr, out var relatedAddress) && rport is >= 0 and <= 65535)
        {
            related = new IPEndPoint(relatedAddress, rport);
        }

        return new IceCandidate(
            line.Foundation,
            line.Component,
            line.Transport == SdpCandidateTransport.Udp ? IceTransportProtocol.Udp : IceTransportProtocol.Tcp,
            line.Priority,
            new IPEndPoint(address, line.Port),
            line.Type switch
            {
                SdpCandidateType.Host => IceCandidateType.Host,
                SdpCandidateType.ServerReflexive => IceCandidateType.ServerReflexive,
                SdpCandidateType.PeerReflexive => IceCandidateType.PeerReflexive,
                _ => IceCandidateType.Relayed,
            },
            related);
    }

    /// <summary>The SDP line announcing one of our candidates.</summary>
    public static IceCandidateLine ToSdp(IceCandidate candidate) => new()
    {
        Foundation = candidate.Foundation,
        Component = candidate.Component,
        Transport = candidate.Protocol == IceTransportProtocol.Udp ? SdpCandidateTransport.Udp : SdpCandidateTransport.Tcp,
        Priority = candidate.Priority,
        Address = candidate.EndPoint.Address.ToString(),
        Port = candidate.EndPoint.Port,
        Type = candidate.Type switch
        {
            IceCandidateType.Host => SdpCandidateType.Host,
            IceCandidateType.ServerReflexive => SdpCandidateType.ServerReflexive,
            IceCandidateType.PeerReflexive => SdpCandidateType.PeerReflexive,
            _ => SdpCandidateType.Relayed,
        },
        RelatedAddress = candidate.RelatedEndPoint?.Address.ToString(),
        RelatedPort = candidate.RelatedEndPoint?.Port,
    };
}
