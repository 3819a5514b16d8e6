using System.Net;

namespace Serverless.WebRtc.Net;

/// <summary>Which candidates a node announces for its one media port.</summary>
public sealed class CandidateGatheringOptions
{
    /// <summary>
    /// Public addresses of a 1:1 NAT in front of the node (e.g. a container's public IP): announced as host
    /// candidates with the node's port, preferred over interface addresses.
    /// </summary>
    public IReadOnlyList<IPAddress> PublicAddresses { get; init; } = [];

    /// <summary>Announce interface addresses (on by default; off when only the public address is reachable).</summary>
    public bool IncludeInterfaces { get; init; } = true;

    /// <summary>Announce loopback addresses (tests and the local run; never useful to Meta).</summary>
    public bool IncludeLoopback { get; init; }

    /// <summary>Announce IPv6 addresses (link-local ones never).</summary>
    public bool IncludeIPv6 { get; init; } = true;

    /// <summary>Only these interface names, when set.</summary>
    public IReadOnlyList<string> InterfaceNames { get; init; } = [];

    /// <summary>STUN server for a server-reflexive candidate (production sets e.g. a public STUN server here).</summary>
    public IPEndPoint? StunServer { get; init; }

    /// <summary>Gathering never waits longer than this for the STUN server.</summary>
    public TimeSpan StunTimeout { get; init; } = TimeSpan.FromSeconds(3);
}
