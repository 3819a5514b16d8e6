using Microsoft.Extensions.Logging;
using Serverless.Shared.Media;

namespace Serverless.Shared.Transport;

/// <summary>
/// After each queued command, rings the nodes' <c>/wake</c> doorbells (<see cref="MediaTransportOptions.WakeUrls"/>)
/// so a Storage Queues receiver asks its queues now instead of at its next poll. Local only (loopback URLs, enforced
/// by the validator): in Azure the nodes take commands from Service Bus, which pushes to its long-polling receivers.
/// The ring is not awaited by the caller and its failure only costs the poll's wait (the command is already queued),
/// so it is logged at debug level and never fails the send.
/// </summary>
public sealed partial class WakingCommandSender : ICommandSender, IDisposable
{
    private readonly ICommandSender _inner;
    private readonly IReadOnlyList<Uri> _wakeUrls;
    private readonly HttpClient _http;
    private readonly ILogger _logger;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    public WakingCommandSender(ICommandSender inner, IReadOnlyList<Uri> wakeUrls, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(wakeUrls);
        ArgumentNullException.ThrowIfNull(logger);
        _inner = inner;
        _wakeUrls = wakeUrls;
        _logger = logger;
        // Loopback only: no proxy; a doorbell that takes longer than the poll it saves is useless.
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) })
        {
            Timeout = TimeSpan.FromSeconds(1),
        };
    }

    /// <inheritdoc />
    public async Task SendAsync(MediaCommand command, CancellationToken cancellationToken = default)
    {
        await _inner.SendAsync(command, cancellationToken).ConfigureAwait(false);
        foreach (var url in _wakeUrls)
        {
            _ = RingAsync(url);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private async Task RingAsync(Uri url)
    {
        try
        {
            using var content = new ByteArrayContent([]);
            using var response = await _http.PostAsync(url, content).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                LogRingRefused(_logger, url, (int)response.StatusCode);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            LogRingFailed(_logger, url, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Wake doorbell {Url} answered {Status}; the node finds the command at its next poll")]
    private static partial void LogRingRefused(ILogger logger, Uri url, int status);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Wake doorbell {Url} not rung ({Reason}); the node finds the command at its next poll")]
    private static partial void LogRingFailed(ILogger logger, Uri url, string reason);
}
