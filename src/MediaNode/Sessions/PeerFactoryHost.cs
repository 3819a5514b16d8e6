using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.WebRtc.Ice;
using Serverless.WebRtc.Media;
using Serverless.WebRtc.Net;
using Serverless.WebRtc.Peer;

namespace Serverless.MediaNode.Sessions;

/// <summary>Binds the node's one UDP port and gathers its candidates at start; closes it last at stop.</summary>
public sealed partial class PeerFactoryHost : IHostedService, IDisposable
{
    private readonly MediaNodeOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<PeerFactoryHost> _logger;
    private readonly MediaNodeMetrics? _metrics;
    private PeerFactory? _factory;

    /// <summary>Creates the host; its pacer reports each slot's lateness to <paramref name="metrics"/> (<c>medianode.pacing.lateness</c>) when given.</summary>
    public PeerFactoryHost(IOptions<MediaNodeOptions> options, TimeProvider time, ILogger<PeerFactoryHost> logger, MediaNodeMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _time = time;
        _logger = logger;
        _metrics = metrics;
    }

    /// <summary>The factory, once the port is bound.</summary>
    public PeerFactory Factory => _factory ?? throw new InvalidOperationException("The UDP port is not bound yet.");

    /// <summary>Whether the UDP port is bound.</summary>
    public bool IsBound => _factory is not null;

    /// <summary>The bound UDP port (useful when configured as 0).</summary>
    public int Port => Factory.Mux.Port;

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var publicAddresses = _options.PublicAddress is { } address ? new[] { IPAddress.Parse(address) } : [];
        var bind = IPAddress.Parse(_options.BindAddress);
        var options = new PeerFactoryOptions
        {
            Mux = new UdpMuxOptions { BindAddress = bind, Port = _options.UdpPort },
            Gathering = new CandidateGatheringOptions
            {
                PublicAddresses = publicAddresses,
                IncludeInterfaces = _options.AnnounceInterfaces,
                IncludeLoopback = IPAddress.IsLoopback(bind),
                StunServer = _options.StunServer is { } stun ? IPEndPoint.Parse(stun) : null,
            },
            Opus = new OpusCodecOptions { AttemptToUseNativeLibrary = _options.UseNativeOpus },
            Peer = new PeerOptions { Ice = new IceAgentOptions { ConsentTimeout = _options.ConsentTimeout } },
        };
        var factory = await PeerFactory.CreateAsync(options, pacer: null, _time, cancellationToken).ConfigureAwait(false);
        if (_metrics is { } metrics)
        {
            // Measured where the pacer sends: every occupied slot of every tick, on the pacer thread.
            factory.Pacer.TickObserved = metrics.PacingObserved;
        }

        _factory = factory;
        LogBound(_logger, _factory.Mux.LocalEndPoint, _factory.Candidates.Count);
        LogOpus(_logger, _factory.Codecs.Implementation, _factory.Codecs.ImplementationVersion, _options.UseNativeOpus);
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public void Dispose()
    {
        // DI disposes this twice (singleton and hosted-service registration): only the first call acts.
        Interlocked.Exchange(ref _factory, null)?.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Media UDP port bound at {EndPoint} with {Candidates} candidates")]
    private static partial void LogBound(ILogger logger, IPEndPoint endPoint, int candidates);

    [LoggerMessage(Level = LogLevel.Information, Message = "Opus: {Implementation} ({Version}); native requested: {NativeRequested}")]
    private static partial void LogOpus(ILogger logger, OpusImplementation implementation, string version, bool nativeRequested);
}
