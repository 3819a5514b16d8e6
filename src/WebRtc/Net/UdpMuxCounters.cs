namespace Serverless.WebRtc.Net;

/// <summary>What the mux received and where it went.</summary>
public sealed class UdpMuxCounters
{
    private long _received;
    private long _stunRouted;
    private long _mediaRouted;
    private long _dropped;
    private long _handlerFailures;
    private long _addressConflicts;
    private long _mediaSendsRefused;

    /// <summary>Datagrams read from the socket.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>STUN messages handed to a peer.</summary>
    public long StunRouted => Interlocked.Read(ref _stunRouted);

    /// <summary>DTLS/RTP/RTCP datagrams handed to a peer.</summary>
    public long MediaRouted => Interlocked.Read(ref _mediaRouted);

    /// <summary>Datagrams that matched no peer (unknown ufrag, transaction or address), or were malformed.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Datagrams whose peer handler threw (the mux goes on).</summary>
    public long HandlerFailures => Interlocked.Read(ref _handlerFailures);

    /// <summary>Times a peer's selected remote address was already another peer's (the newer one took it).</summary>
    public long AddressConflicts => Interlocked.Read(ref _addressConflicts);

    /// <summary>DTLS/RTP/RTCP a peer tried to send to a remote address a newer peer had taken (not sent).</summary>
    public long MediaSendsRefused => Interlocked.Read(ref _mediaSendsRefused);

    internal void OnMediaSendRefused() => Interlocked.Increment(ref _mediaSendsRefused);

    internal void OnAddressConflict() => Interlocked.Increment(ref _addressConflicts);

    internal void OnHandlerFailed() => Interlocked.Increment(ref _handlerFailures);

    internal void OnReceived() => Interlocked.Increment(ref _received);

    internal void OnStunRouted() => Interlocked.Increment(ref _stunRouted);

    internal void OnMediaRouted() => Interlocked.Increment(ref _mediaRouted);

    internal void OnDropped() => Interlocked.Increment(ref _dropped);
}
