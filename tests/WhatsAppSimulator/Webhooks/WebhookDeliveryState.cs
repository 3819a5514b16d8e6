namespace Serverless.Testing.WhatsAppSimulator.Webhooks;

/// <summary>Where one webhook delivery stands.</summary>
public enum WebhookDeliveryState
{
    /// <summary>Being POSTed.</summary>
    Sending,

    /// <summary>Last attempt failed (non-2xx or no connection); a retry timer is armed.</summary>
    AwaitingRetry,

    /// <summary>A 2xx was received.</summary>
    Delivered,

    /// <summary>Every attempt failed; given up.</summary>
    Failed,

    /// <summary>No webhook URL configured; kept in the log only.</summary>
    NoTarget,
}
