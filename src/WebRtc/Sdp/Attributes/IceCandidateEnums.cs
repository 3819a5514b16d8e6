namespace Serverless.WebRtc.Sdp;

/// <summary>Candidate transport (RFC 8839 §5.1 <c>transport</c>; TCP from RFC 6544 §4.5).</summary>
public enum IceTransportProtocol
{
    Udp,
    Tcp,
}

/// <summary>Candidate type (RFC 8839 §5.1 <c>candidate-types</c>, RFC 8445 §5.1.1).</summary>
public enum IceCandidateType
{
    Host,
    ServerReflexive,
    PeerReflexive,
    Relay,
}

/// <summary>TCP candidate type (RFC 6544 §4.5 <c>tcp-type</c>).</summary>
public enum IceTcpType
{
    Active,
    Passive,
    SimultaneousOpen,
}

/// <summary>What the candidate's connection-address field holds (RFC 8839 §5.1 allows an FQDN).</summary>
public enum IceAddressKind
{
    IPv4,
    IPv6,
    Fqdn,
}

internal static class IceCandidateText
{
    public static string ToText(this IceTransportProtocol t) => t == IceTransportProtocol.Udp ? "udp" : "tcp";

    public static string ToText(this IceCandidateType t) => t switch
    {
        IceCandidateType.Host => "host",
        IceCandidateType.ServerReflexive => "srflx",
        IceCandidateType.PeerReflexive => "prflx",
        _ => "relay",
    };

    public static string ToText(this IceTcpType t) => t switch
    {
        IceTcpType.Active => "active",
        IceTcpType.Passive => "passive",
        _ => "so",
    };

    // Transport and type tokens are case-insensitive in practice (RFC 8839 examples use "UDP", browsers "udp").
    public static bool TryParseTransport(string s, out IceTransportProtocol t)
    {
        t = IceTransportProtocol.Udp;
        if (s.Equals("udp", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        t = IceTransportProtocol.Tcp;
        return s.Equals("tcp", StringComparison.OrdinalIgnoreCase);
    }

    public static bool TryParseType(string s, out IceCandidateType t)
    {
        (var ok, t) = s.ToUpperInvariant() switch
        {
            "HOST" => (true, IceCandidateType.Host),
            "SRFLX" => (true, IceCandidateType.ServerReflexive),
            "PRFLX" => (true, IceCandidateType.PeerReflexive),
            "RELAY" => (true, IceCandidateType.Relay),
            _ => (false, IceCandidateType.Host),
        };
        return ok;
    }

    public static bool TryParseTcpType(string s, out IceTcpType t)
    {
        (var ok, t) = s.ToUpperInvariant() switch
        {
            "ACTIVE" => (true, IceTcpType.Active),
            "PASSIVE" => (true, IceTcpType.Passive),
            "SO" => (true, IceTcpType.SimultaneousOpen),
            _ => (false, IceTcpType.Active),
        };
        return ok;
    }
}
