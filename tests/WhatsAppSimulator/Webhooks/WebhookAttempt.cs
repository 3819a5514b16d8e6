namespace Serverless.Testing.WhatsAppSimulator.Webhooks;

/// <summary>One POST of a delivery: its HTTP status, or the transport error when there was no response.</summary>
public sealed record WebhookAttempt(DateTimeOffset At, int? StatusCode, string? Error)
{
    /// <summary>True for a 2xx response.</summary>
    public bool Succeeded => StatusCode is >= 200 and < 300;
}
