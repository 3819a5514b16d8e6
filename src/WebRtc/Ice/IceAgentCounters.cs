namespace Serverless.WebRtc.Ice;

/// <summary>What an agent sent, received and refused.</summary>
internal sealed class IceAgentCounters
{
    private long _checksSent;
    private long _requestsAnswered;
    private long _rejected;
    private long _responses;

    /// <summary>Connectivity and consent checks sent, retransmissions included.</summary>
    public long ChecksSent => Interlocked.Read(ref _checksSent);

    /// <summary>Authenticated checks from the peer that we answered.</summary>
    public long RequestsAnswered => Interlocked.Read(ref _requestsAnswered);

    /// <summary>STUN messages ignored: wrong ufrag, failed MESSAGE-INTEGRITY or FINGERPRINT, unknown transaction.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>Authenticated responses to our checks.</summary>
    public long Responses => Interlocked.Read(ref _responses);

    internal void CheckSent() => Interlocked.Increment(ref _checksSent);

    internal void RequestAnswered() => Interlocked.Increment(ref _requestsAnswered);

    internal void RejectedOne() => Interlocked.Increment(ref _rejected);

    internal void ResponseReceived() => Interlocked.Increment(ref _responses);
}
