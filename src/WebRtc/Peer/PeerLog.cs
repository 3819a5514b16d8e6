using System.Net;
using Microsoft.Extensions.Logging;
using Serverless.WebRtc.Dtls;

namespace Serverless.WebRtc.Peer;

/// <summary>
/// The library's key events (event ids 7100-7199). Peers are named by their SSRC, never by anything
/// about the call's parties; addresses are the ICE-selected media addresses.
/// </summary>
internal static partial class PeerLog
{
    [LoggerMessage(EventId = 7100, Level = LogLevel.Information, Message = "WebRTC port {LocalEndPoint} ready with {CandidateCount} ICE candidates")]
    public static partial void FactoryStarted(ILogger logger, IPEndPoint localEndPoint, int candidateCount);

    [LoggerMessage(EventId = 7101, Level = LogLevel.Error, Message = "No ICE candidate could be gathered for {LocalEndPoint}")]
    public static partial void NoCandidates(ILogger logger, IPEndPoint localEndPoint);

    [LoggerMessage(EventId = 7110, Level = LogLevel.Information, Message = "Peer {Ssrc} is {State}")]
    public static partial void StateChanged(ILogger logger, uint ssrc, PeerConnectionState state);

    [LoggerMessage(EventId = 7111, Level = LogLevel.Warning, Message = "Peer {Ssrc} failed: {Failure}")]
    public static partial void Failed(ILogger logger, uint ssrc, PeerFailure failure);

    [LoggerMessage(EventId = 7112, Level = LogLevel.Information, Message = "Peer {Ssrc} media path selected: {Remote}")]
    public static partial void PathSelected(ILogger logger, uint ssrc, IPEndPoint? remote);

    [LoggerMessage(EventId = 7113, Level = LogLevel.Warning, Message = "Peer {Ssrc} DTLS handshake failed: {Failure}, alert {Alert}, version {Version}")]
    public static partial void DtlsFailed(ILogger logger, uint ssrc, DtlsFailure failure, string? alert, string? version);

    [LoggerMessage(EventId = 7114, Level = LogLevel.Information, Message = "Peer {Ssrc} received RTCP BYE: the remote hung up")]
    public static partial void GoodbyeReceived(ILogger logger, uint ssrc);

    [LoggerMessage(EventId = 7115, Level = LogLevel.Debug, Message = "Peer {Ssrc} closed; SRTP failures {UnprotectFailures}, early packets dropped {EarlyDropped}")]
    public static partial void Closed(ILogger logger, uint ssrc, long unprotectFailures, long earlyDropped);
}
