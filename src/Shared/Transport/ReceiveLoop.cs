using Microsoft.Extensions.Logging;

namespace Serverless.Shared.Transport;

/// <summary>
/// The polling loop the broker-backed receivers share: receive a round, idle when it was empty, and survive broker
/// errors (logged, then a pause) so one network blip does not stop a node from taking calls.
/// </summary>
internal static partial class ReceiveLoop
{
    public static async Task RunAsync(
        Func<CancellationToken, Task<int>> receiveOnce,
        TimeSpan idle,
        bool idleWhenEmpty,
        TimeProvider time,
        ILogger logger,
        CancellationToken cancellationToken,
        Func<TimeSpan>? emptyRoundWait = null,
        Func<TimeSpan, CancellationToken, Task>? emptyRoundPause = null)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                TimeSpan? pause;
                var failed = false;
                try
                {
                    pause = await receiveOnce(cancellationToken) == 0 && idleWhenEmpty ? emptyRoundWait?.Invoke() ?? idle : null;
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    LogReceiveFailed(logger, ex, idle);
                    pause = idle;
                    failed = true;
                }

                if (pause is { } wait)
                {
                    // After an empty round the receiver may cut the pause short (a wake-up); after a failure it may not.
                    await (!failed && emptyRoundPause is not null ? emptyRoundPause(wait, cancellationToken) : Task.Delay(wait, time, cancellationToken));
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutdown: an unsettled message reappears after its lock or visibility timeout.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Receiving commands failed; retrying in {Delay}")]
    private static partial void LogReceiveFailed(ILogger logger, Exception exception, TimeSpan delay);
}
