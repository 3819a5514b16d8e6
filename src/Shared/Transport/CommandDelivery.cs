namespace Serverless.Shared.Transport;

/// <summary>
/// One received copy of a command, with the settlement operations of the transport it came from.
/// <see cref="CommandProcessor"/> decides which one to call; adapters only map them.
/// </summary>
public abstract class CommandDelivery
{
    /// <summary>The queue the message was received from.</summary>
    public abstract string Queue { get; }

    /// <summary>The raw message body (UTF-8 JSON of a <see cref="Media.MediaCommand"/>).</summary>
    public abstract ReadOnlyMemory<byte> Body { get; }

    /// <summary>How many times this message has been delivered, this time included (1 on first delivery).</summary>
    public abstract int DeliveryCount { get; }

    /// <summary>Done: remove the message for good.</summary>
    public abstract Task CompleteAsync(CancellationToken cancellationToken);

    /// <summary>Failed: make the message available again after about <paramref name="retryDelay"/>; counts an attempt.</summary>
    public abstract Task AbandonAsync(TimeSpan retryDelay, CancellationToken cancellationToken);

    /// <summary>Move the message aside where it stays readable (poison / dead-letter queue), unchanged.</summary>
    public abstract Task DeadLetterAsync(DeadLetterReason reason, string detail, CancellationToken cancellationToken);

    /// <summary>
    /// Not yet: put the message back to reappear after <paramref name="delay"/> as a fresh copy, so waiting for a
    /// predecessor does not use up failure attempts.
    /// </summary>
    public abstract Task RequeueAsync(TimeSpan delay, CancellationToken cancellationToken);
}
