namespace Serverless.Functions.Callbacks;

/// <summary>Queues signed status callbacks for at-least-once delivery (drained by <see cref="CallbackDrainFunction"/>).</summary>
public interface ICallbackDispatcher
{
    /// <summary>
    /// Stores the event for delivery to <paramref name="callbackUrl"/>. The same (URL, event id) is stored once, so
    /// calling again after a crash is safe. The URL's form is checked here; its addresses at dial time
    /// (<see cref="CallbackUrlPolicy.ValidateAsync"/>) and again at every send.
    /// </summary>
    Task<CallbackEnqueueResult> EnqueueAsync(string callbackUrl, CallbackEvent callbackEvent, CancellationToken cancellationToken = default);
}

/// <summary>What <see cref="ICallbackDispatcher.EnqueueAsync"/> did.</summary>
public enum CallbackEnqueueStatus
{
    /// <summary>Stored; the next drain sends it.</summary>
    Enqueued,

    /// <summary>This event id was already stored for this URL; nothing changed.</summary>
    Duplicate,

    /// <summary>The URL is not allowed; see <see cref="CallbackEnqueueResult.Refusal"/>.</summary>
    Refused,
}

/// <summary>Result of an enqueue.</summary>
public sealed record CallbackEnqueueResult(CallbackEnqueueStatus Status, CallbackUrlCheck? Refusal = null);

/// <summary>What one drain run did.</summary>
/// <param name="Delivered">Receivers answered 2xx.</param>
/// <param name="Retrying">Failed this time, scheduled again with backoff.</param>
/// <param name="GivenUp">Failed for good: a final 4xx, a forbidden address, or attempts exhausted.</param>
public sealed record CallbackDrainSummary(int Delivered, int Retrying, int GivenUp);

/// <summary>Delivery state of one event to one URL.</summary>
public enum CallbackDeliveryStatus
{
    /// <summary>Not delivered yet; will be tried again.</summary>
    Pending,

    /// <summary>The receiver answered 2xx.</summary>
    Delivered,

    /// <summary>Given up.</summary>
    Failed,
}

/// <summary>Where one delivery stands.</summary>
public sealed record CallbackDeliveryState(CallbackDeliveryStatus Status, int Attempts, string? LastError);
