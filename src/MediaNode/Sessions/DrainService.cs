using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serverless.Shared.Media;

namespace Serverless.MediaNode.Sessions;

/// <summary>
/// Graceful shutdown: stops admitting calls, lets active calls run until <c>DrainTimeout</c>, then hangs up each
/// (so each sends MediaEnded with reason NodeDrained: the call ends <c>node-drained</c>, never <c>Completed</c>). Registered after the command receiver, so it stops first while Hangup commands still
/// arrive, and after the event dispatcher, which stops after it and delivers the final events.
/// </summary>
public sealed partial class DrainService(SessionRegistry sessions, MediaNodeOptions options, TimeProvider time, ILogger<DrainService> logger) : IHostedService
{
    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        sessions.BeginDrain();
        LogDraining(logger, sessions.ActiveCount, options.DrainTimeout.TotalSeconds);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var empty = sessions.WaitUntilEmptyAsync(stop.Token);
        var deadline = Task.Delay(options.DrainTimeout, time, stop.Token);
        var first = await Task.WhenAny(empty, deadline).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        if (first == empty && empty.IsCompletedSuccessfully)
        {
            return;
        }

        var left = sessions.Snapshot();
        LogHangingUp(logger, left.Count);
        await Task.WhenAll(left.Select(s => s.EndAsync(HangupReason.NodeDrained))).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Draining: {Active} calls active, up to {Seconds} s")]
    private static partial void LogDraining(ILogger logger, int active, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drain deadline: hanging up {Count} calls")]
    private static partial void LogHangingUp(ILogger logger, int count);
}
