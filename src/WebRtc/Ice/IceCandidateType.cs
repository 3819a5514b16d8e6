namespace Serverless.WebRtc.Ice;

/// <summary>Candidate types of RFC 8445 §5.1.1.</summary>
public enum IceCandidateType
{
    /// <summary>An address on a local interface (or the configured public address of a 1:1 NAT).</summary>
    Host,

    /// <summary>The address a STUN server saw us come from.</summary>
    ServerReflexive,

    /// <summary>An address learned from a connectivity check (RFC 8445 §7.2.5.3.1 / §7.3.1.3).</summary>
    PeerReflexive,

    /// <summary>An address on a TURN relay.</summary>
    Relayed,
}
