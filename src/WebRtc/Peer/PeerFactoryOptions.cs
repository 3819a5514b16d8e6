using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.WebRtc.Media;
using Serverless.WebRtc.Net;

namespace Serverless.WebRtc.Peer;

/// <summary>Node-wide settings: the one port, the candidates announced for it, codecs and peer defaults.</summary>
public sealed class PeerFactoryOptions
{
    /// <summary>The shared UDP port.</summary>
    public UdpMuxOptions Mux { get; init; } = new();

    /// <summary>Which candidates to announce (public address, interfaces, STUN server).</summary>
    public CandidateGatheringOptions Gathering { get; init; } = new();

    /// <summary>Opus settings (managed Concentus by default).</summary>
    public OpusCodecOptions Opus { get; init; } = new();

    /// <summary>Defaults for every peer.</summary>
    public PeerOptions Peer { get; init; } = new();

    /// <summary>Where the library logs its key events (port ready, peer states, DTLS failures, BYE); none by default.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;
}
