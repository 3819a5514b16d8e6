using Microsoft.Extensions.Logging;

namespace Serverless.Testing.FunctionsHost;

internal static partial class HostLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Function {FunctionName} invocation {InvocationId} failed")]
    public static partial void InvocationFailed(ILogger logger, Exception exception, string functionName, string invocationId);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Serving {FunctionName}: [{Methods}] {Route} ({AuthLevel})")]
    public static partial void ServingHttp(ILogger logger, string functionName, string methods, string route, Microsoft.Azure.Functions.Worker.AuthorizationLevel authLevel);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Timer function {FunctionName} on schedule {Schedule} (runs on schedule: {OnSchedule})")]
    public static partial void ServingTimer(ILogger logger, string functionName, string schedule, bool onSchedule);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Function {FunctionName} has a trigger this host does not run; it is not served")]
    public static partial void Unserved(ILogger logger, string functionName);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Functions test host listening on {BaseAddress}")]
    public static partial void Listening(ILogger logger, Uri baseAddress);

    [LoggerMessage(EventId = 6, Level = LogLevel.Error, Message = "The listener for function {FunctionName} was unable to start: {Reason}")]
    public static partial void ListenerNotStarted(ILogger logger, string functionName, string reason);
}
