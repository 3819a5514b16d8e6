using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.MediaNode.Sessions;
using Serverless.WebRtc.Media;

namespace Serverless.MediaNode.Tests.Sessions;

/// <summary>The node picks native libopus by default (test.sh installs libopus0) and says so in its start log.</summary>
public sealed class PeerFactoryHostOpusTests
{
    [Theory]
    [InlineData(true, OpusImplementation.Native)]
    [InlineData(false, OpusImplementation.Managed)]
    public async Task TheNodesOpusImplementation_FollowsUseNativeOpus_AndIsLogged(bool useNative, OpusImplementation expected)
    {
        var options = new MediaNodeOptions { BindAddress = "127.0.0.1", UdpPort = 0, AnnounceInterfaces = false, PublicAddress = "127.0.0.1", UseNativeOpus = useNative };
        var logger = new ListLogger();
        using var host = new PeerFactoryHost(Options.Create(options), TimeProvider.System, logger);

        await host.StartAsync(CancellationToken.None);

        Assert.Equal(expected, host.Factory.Codecs.Implementation);
        Assert.Contains(logger.Messages, m => m.StartsWith($"Opus: {expected} (", StringComparison.Ordinal));
        Assert.True(new MediaNodeOptions().UseNativeOpus);
    }

    private sealed class ListLogger : ILogger<PeerFactoryHost>
    {
        public List<string> Messages { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Messages.Add(formatter(state, exception));
    }
}
