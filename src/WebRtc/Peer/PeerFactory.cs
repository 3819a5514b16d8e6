using Microsoft.Extensions.Logging;
using Serverless.WebRtc.Dtls;
using Serverless.WebRtc.Ice;
using Serverless.WebRtc.Media;
using Serverless.WebRtc.Net;

namespace Serverless.WebRtc.Peer;

/// <summary>
/// Everything peers on one node share: the one UDP port, its candidates (gathered once), the DTLS
/// certificate, the Opus codec factory (with its cached silence frame) and the pacing thread.
/// </summary>
public sealed class PeerFactory : IDisposable
{
    private readonly bool _ownsPacer;

    private PeerFactory(UdpMux mux, IReadOnlyList<IceCandidate> candidates, PeerFactoryOptions options, MediaPacer pacer, bool ownsPacer, TimeProvider time)
    {
        Mux = mux;
        Candidates = candidates;
        Options = options;
        Pacer = pacer;
        _ownsPacer = ownsPacer;
        Time = time;
        Certificate = DtlsCertificate.Generate(time);
        Codecs = new OpusEncoderFactory(options.Opus);
        Logger = options.LoggerFactory.CreateLogger("Serverless.WebRtc");
    }

    /// <summary>The shared port.</summary>
    public UdpMux Mux { get; }

    /// <summary>Candidates every peer announces.</summary>
    public IReadOnlyList<IceCandidate> Candidates { get; }

    /// <summary>The node's DTLS certificate (its sha-256 fingerprint goes in every SDP).</summary>
    internal DtlsCertificate Certificate { get; }

    /// <summary>Opus encoders/decoders and the cached silence frame.</summary>
    public OpusEncoderFactory Codecs { get; }

    /// <summary>The pacing thread all peers' audio runs on.</summary>
    public MediaPacer Pacer { get; }

    /// <summary>Node settings.</summary>
    public PeerFactoryOptions Options { get; }

    internal TimeProvider Time { get; }

    internal ILogger Logger { get; }

    /// <summary>Binds the port, gathers candidates and starts the pacer (a private one unless given).</summary>
    /// <exception cref="InvalidOperationException">No candidate could be gathered (the message says which option to set).</exception>
    public static async Task<PeerFactory> CreateAsync(PeerFactoryOptions? options = null, MediaPacer? pacer = null, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        options ??= new PeerFactoryOptions();
        var time = timeProvider ?? TimeProvider.System;
        var mux = new UdpMux(options.Mux, time);
        try
        {
            var candidates = await CandidateGatherer.GatherAsync(mux, options.Gathering, cancellationToken);
            if (candidates.Count == 0)
            {
                PeerLog.NoCandidates(options.LoggerFactory.CreateLogger("Serverless.WebRtc"), mux.LocalEndPoint);
                // An offer without candidates can never connect; say why now rather than let every call time out.
                throw new InvalidOperationException(
                    $"No ICE candidate could be gathered for {mux.LocalEndPoint}: no usable interface address, public address or STUN mapping. "
                    + "On a loopback-only machine set CandidateGatheringOptions.IncludeLoopback = true; behind a 1:1 NAT set PublicAddresses.");
            }

            var ownsPacer = pacer is null;
            pacer ??= new MediaPacer(time);
            if (!pacer.IsRunning)
            {
                pacer.Start();
            }

            var factory = new PeerFactory(mux, candidates, options, pacer, ownsPacer, time);
            PeerLog.FactoryStarted(factory.Logger, mux.LocalEndPoint, candidates.Count);
            return factory;
        }
        catch
        {
            mux.Dispose();
            throw;
        }
    }

    /// <summary>A new peer for one call.</summary>
    public AudioPeer CreatePeer(AudioPeerOptions? options = null) => new(this, options ?? new AudioPeerOptions());

    /// <summary>Closes the port (peers should be closed first) and stops a private pacer.</summary>
    public void Dispose()
    {
        Mux.Dispose();
        if (_ownsPacer)
        {
            Pacer.Dispose();
        }
    }
}
