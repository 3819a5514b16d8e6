namespace Serverless.WebRtc.Ice;

/// <summary>Candidate and pair priorities (RFC 8445 §5.1.2 and §6.1.2.3).</summary>
internal static class IcePriority
{
    /// <summary>RFC 8445 §5.1.2.2 recommended type preference: host 126, peer-reflexive 110, server-reflexive 100, relayed 0.</summary>
    public static int TypePreference(IceCandidateType type) => type switch
    {
        IceCandidateType.Host => 126,
        IceCandidateType.PeerReflexive => 110,
        IceCandidateType.ServerReflexive => 100,
        IceCandidateType.Relayed => 0,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>
    /// RFC 8445 §5.1.2.1: priority = 2^24 × type preference + 2^8 × local preference + (256 − component id).
    /// </summary>
    /// <param name="type">Candidate type.</param>
    /// <param name="localPreference">0–65535; higher for preferred interfaces (e.g. IPv4 over IPv6 here).</param>
    /// <param name="componentId">1 for RTP (with rtcp-mux, the only component).</param>
    public static uint Candidate(IceCandidateType type, int localPreference, int componentId = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(localPreference);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(localPreference, 65535);
        ArgumentOutOfRangeException.ThrowIfLessThan(componentId, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(componentId, 256);
        return (uint)((TypePreference(type) << 24) + (localPreference << 8) + (256 - componentId));
    }

    /// <summary>
    /// RFC 8445 §6.1.2.3: pair priority = 2^32 × MIN(G, D) + 2 × MAX(G, D) + (G &gt; D ? 1 : 0),
    /// G the controlling agent's candidate priority, D the controlled agent's.
    /// </summary>
    public static ulong Pair(uint controllingPriority, uint controlledPriority)
    {
        ulong g = controllingPriority, d = controlledPriority;
        return (Math.Min(g, d) << 32) + (2 * Math.Max(g, d)) + (g > d ? 1UL : 0UL);
    }

    /// <summary>The pair priority from our side: which of the two is G depends on our role.</summary>
    public static ulong Pair(uint localPriority, uint remotePriority, bool localIsControlling) =>
        localIsControlling ? Pair(localPriority, remotePriority) : Pair(remotePriority, localPriority);
}
