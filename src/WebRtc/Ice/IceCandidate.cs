using System.Net;

namespace Serverless.WebRtc.Ice;

/// <summary>Transport protocol of a candidate. Media here is UDP only; TCP candidates are parsed and ignored.</summary>
public enum IceTransportProtocol
{
    /// <summary>UDP (RFC 8445).</summary>
    Udp,

    /// <summary>TCP (RFC 6544); not used for checks by this agent.</summary>
    Tcp,
}

/// <summary>One ICE candidate (RFC 8445 §5.1), ours or the peer's.</summary>
public sealed record IceCandidate(
    string Foundation,
    int Component,
    IceTransportProtocol Protocol,
    uint Priority,
    IPEndPoint EndPoint,
    IceCandidateType Type,
    IPEndPoint? RelatedEndPoint = null)
{
    /// <summary>A host candidate with the RFC 8445 §5.1.2.1 priority for the given local preference.</summary>
    public static IceCandidate Host(IPEndPoint endPoint, int localPreference, int component = 1) => new(
        FoundationOf(IceCandidateType.Host, endPoint.Address),
        component,
        IceTransportProtocol.Udp,
        IcePriority.Candidate(IceCandidateType.Host, localPreference, component),
        endPoint,
        IceCandidateType.Host);

    /// <summary>
    /// RFC 8445 §5.1.1.3: candidates of the same type, base address and transport share a foundation.
    /// Stable text so the same host gives the same foundation across calls.
    /// </summary>
    public static string FoundationOf(IceCandidateType type, IPAddress baseAddress)
    {
        // string.GetHashCode is randomised per process; FNV-1a keeps foundations stable.
        var hash = 2166136261;
        foreach (var c in type + "/" + baseAddress)
        {
            hash = (hash ^ c) * 16777619;
        }

        return hash.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Type} {Protocol} {EndPoint} prio={Priority}";
}
