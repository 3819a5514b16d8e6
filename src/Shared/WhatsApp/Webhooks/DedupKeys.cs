namespace Serverless.Shared.WhatsApp.Webhooks;

/// <summary>
/// Builds dedup keys. Meta advises idempotency on (call id, event/status); each key is built only from fields
/// that a redelivery repeats verbatim, never from arrival time.
/// </summary>
internal static class DedupKeys
{
    public static string Call(string callId, string callEvent) => $"calls:{callId}:{callEvent}";

    public static string Status(string callId, string statusText) => $"status:{callId}:{statusText}";

    public static string Permission(string messageId) => $"perm:{messageId}";

    public static string Message(string messageId) => $"msg:{messageId}";

    public static string Error(string? phoneNumberId, int? code, string contentHash) =>
        $"error:{phoneNumberId}:{code}:{contentHash}";
}
