namespace Serverless.MediaNode.Events;

/// <summary>What one attempt to deliver an event achieved.</summary>
public enum EventDelivery
{
    /// <summary>The Functions accepted it (2xx).</summary>
    Delivered,

    /// <summary>Transient failure (network, timeout, 5xx, 408, 429, 401/403 while a secret rotates): try again later.</summary>
    RetryLater,

    /// <summary>The Functions refused it for good (another 4xx): retrying cannot help.</summary>
    Rejected,
}
