using Microsoft.Extensions.Logging;

namespace Serverless.Functions.Calls;

/// <summary>Log messages of the call store. Never logs phone numbers.</summary>
internal static partial class CallStoreLog
{
    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning,
        Message = "Call {CallId}: {Trigger} refused in state {State}: {Reason}")]
    public static partial void TransitionRefused(ILogger logger, string callId, string trigger, CallState state, string reason);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information,
        Message = "Call {CallId}: {Trigger} moved {From} -> {To}")]
    public static partial void TransitionApplied(ILogger logger, string callId, string trigger, CallState from, CallState to);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Debug,
        Message = "Call {CallId}: dedup key already processed, {Trigger} ignored")]
    public static partial void DuplicateDelivery(ILogger logger, string callId, string trigger);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Debug,
        Message = "Call {CallId}: ETag conflict on attempt {Attempt}, re-reading")]
    public static partial void EtagConflict(ILogger logger, string callId, int attempt);
}
