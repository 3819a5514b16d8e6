using Microsoft.Extensions.Logging;

namespace Serverless.Testing.WhatsAppSimulator.Logging;

/// <summary>
/// The simulator's log lines: a readable timeline for the console run. User numbers are masked; SDP, names,
/// tokens and secrets are never logged.
/// </summary>
internal static partial class SimulatorLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Graph {Method} {Path} -> {Status}")]
    public static partial void GraphRequest(ILogger logger, string method, string path, int status);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Webhook {DeliveryId} [{Fields}] attempt {Attempt} -> {Status}")]
    public static partial void WebhookAttempt(ILogger logger, string deliveryId, string fields, int attempt, string status);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Webhook {DeliveryId} given up after {Attempts} attempts")]
    public static partial void WebhookGaveUp(ILogger logger, string deliveryId, int attempts);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Call {CallId} {Direction} user {User}: {Phase}")]
    public static partial void CallPhase(ILogger logger, string callId, string direction, string user, string phase);

    /// <summary>Keeps the last four digits: enough to tell test users apart, not enough to identify anyone.</summary>
    public static string Mask(string waId) =>
        waId.Length <= 4 ? new string('*', waId.Length) : new string('*', waId.Length - 4) + waId[^4..];
}
