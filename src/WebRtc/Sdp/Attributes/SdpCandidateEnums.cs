namespace Serverless.WebRtc.Sdp;

/// <summary>Candidate transport (RFC 8839 §5.1 <c>transport</c>; TCP from RFC 6544 §4.5).</summary>
internal enum SdpCandidateTransport
{
    Udp,
    Tcp,
}

/// <summary>Candidate type (RFC 8839 §5.1 <c>candidate-types</c>, RFC 8445 §5.1.1).</summary>
internal enum SdpCandidateType
{
    Host,
    ServerReflexive,
    PeerReflexive,
    Relayed,
}

/// <summary>TCP candidate type (RFC 6544 §4.5 <c>tcp-type</c>).</summary>
public enum SdpCandidateTcpType
{
    Active,
    Passive,
    SimultaneousOpen,
}

/// <summary>What the candidate's connection-address field holds (RFC 8839 §5.1 allows an FQDN).</summary>
internal enum SdpCandidateAddressKind
{
    IPv4,
    IPv6,
    Fqdn,
}

internal static class SdpCandidateText
{
    public static string ToText(this SdpCandidateTransport t) => t == SdpCandidateTransport.Udp ? "udp" : "tcp";

    public static string ToText(this SdpCandidateType t) => t switch
    {
        SdpCandidateType.Host => "host",
        SdpCandidateType.ServerReflexive => "srflx",
        SdpCandidateType.PeerReflexive => "prflx",
        _ => "relay",
    };

    public static string ToText(this SdpCandidateTcpType t) => t switch
    {
        SdpCandidateTcpType.Active => "active",
        SdpCandidateTcpType.Passive => "passive",
        _ => "so",
    };

    // Transport and type tokens are case-insensitive in practice (RFC 8839 examples use "UDP", browsers "udp").
    public static bool TryParseTransport(string s, out SdpCandidateTransport t)
    {
        t = SdpCandidateTransport.Udp;
        if (s.Equals("udp", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        t = SdpCandidateTransport.Tcp;
        return s.Equals("tcp", StringComparison.OrdinalIgnoreCase);
    }

    public static bool TryParseType(string s, out SdpCandidateType t)
    {
        (var ok, t) = s.ToUpperInvariant() switch
        {
            "HOST" => (true, SdpCandidateType.Host),
            "SRFLX" => (true, SdpCandidateType.ServerReflexive),
            "PRFLX" => (true, SdpCandidateType.PeerReflexive),
            "RELAY" => (true, SdpCandidateType.Relayed),
            _ => (false, SdpCandidateType.Host),
        };
        return ok;
    }

    public static bool TryParseTcpType(string s, out SdpCandidateTcpType t)
    {
        (var ok, t) = s.ToUpperInvariant() switch
        {
            "ACTIVE" => (true, SdpCandidateTcpType.Active),
            "PASSIVE" => (true, SdpCandidateTcpType.Passive),
            "SO" => (true, SdpCandidateTcpType.SimultaneousOpen),
            _ => (false, SdpCandidateTcpType.Active),
        };
        return ok;
    }
}
