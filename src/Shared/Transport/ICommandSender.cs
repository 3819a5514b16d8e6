using Serverless.Shared.Media;

namespace Serverless.Shared.Transport;

/// <summary>Sends commands from the Functions to MediaNodes, routed by <see cref="CommandQueueNames"/>.</summary>
public interface ICommandSender
{
    /// <summary>
    /// Enqueues <paramref name="command"/>. Re-sending the same instance (same MessageId) after a failure is safe:
    /// receivers run a MessageId once.
    /// </summary>
    /// <exception cref="CommandRoutingException">A follow-up command has no (valid) owning NodeId.</exception>
    Task SendAsync(MediaCommand command, CancellationToken cancellationToken = default);
}
