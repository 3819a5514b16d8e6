namespace Serverless.Shared.Transport;

/// <summary>
/// Remembers which message ids have been handled, so an at-least-once transport's redelivery runs once.
/// Only the in-memory implementation exists; a Table Storage one (shared across restarts) can follow.
/// </summary>
public interface IIdempotencyStore
{
    /// <summary>True when <paramref name="messageId"/> was marked processed and has not expired.</summary>
    ValueTask<bool> IsProcessedAsync(string messageId, CancellationToken cancellationToken);

    /// <summary>Records that <paramref name="messageId"/> was handled successfully.</summary>
    ValueTask MarkProcessedAsync(string messageId, CancellationToken cancellationToken);
}
