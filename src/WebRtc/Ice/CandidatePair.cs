using System.Net;
using Serverless.WebRtc.Stun;

namespace Serverless.WebRtc.Ice;

/// <summary>Check states of a pair (RFC 8445 §6.1.2.6).</summary>
internal enum CandidatePairState
{
    /// <summary>Not yet checkable.</summary>
    Frozen,

    /// <summary>Will be checked when its turn comes.</summary>
    Waiting,

    /// <summary>A check was sent and awaits its response.</summary>
    InProgress,

    /// <summary>A check succeeded: the pair is valid.</summary>
    Succeeded,

    /// <summary>The check failed or timed out.</summary>
    Failed,
}

/// <summary>A local/remote candidate pair and its check transaction.</summary>
internal sealed class CandidatePair(IceCandidate local, IceCandidate remote)
{
    /// <summary>Our candidate.</summary>
    public IceCandidate Local { get; } = local;

    /// <summary>The peer's candidate.</summary>
    public IceCandidate Remote { get; } = remote;

    /// <summary>Where checks and media go.</summary>
    public IPEndPoint RemoteEndPoint => Remote.EndPoint;

    /// <summary>Check state.</summary>
    public CandidatePairState State { get; internal set; } = CandidatePairState.Frozen;

    /// <summary>Nominated by the controlling agent (RFC 8445 §8.1.1).</summary>
    public bool Nominated { get; internal set; }

    /// <summary>The peer asked for nomination before our own check on the pair succeeded.</summary>
    internal bool NominateOnSuccess { get; set; }

    /// <summary>The check in flight carries USE-CANDIDATE.</summary>
    internal bool CheckNominates { get; set; }

    internal StunTransactionId TransactionId { get; set; }

    internal int Transmissions { get; set; }

    internal DateTimeOffset NextTransmission { get; set; }

    internal TimeSpan Rto { get; set; }

    /// <summary>RFC 8445 §6.1.2.3 priority for the given role.</summary>
    public ulong Priority(IceRole role) => IcePriority.Pair(Local.Priority, Remote.Priority, role == IceRole.Controlling);

    /// <inheritdoc />
    public override string ToString() => $"{Local.EndPoint} -> {Remote.EndPoint} {State}{(Nominated ? " nominated" : string.Empty)}";
}
