namespace Serverless.Shared.Transport;

/// <summary>
/// A MediaNode's receiving side: takes commands from the shared new-calls queue (competing with other nodes) and
/// from its own node queue, and hands each to a handler through <see cref="CommandProcessor"/>
/// (complete on success, retry on failure, poison after N attempts, hold back out-of-order follow-ups).
/// </summary>
public interface ICommandReceiver
{
    /// <summary>The node whose queue this receiver drains, besides the new-calls queue.</summary>
    string NodeId { get; }

    /// <summary>False while the last receive round failed (broker unreachable, no rights): readiness reports it.</summary>
    bool CanReceive => true;

    /// <summary>Receives whatever is available now (at most one batch per queue), processes it, returns how many.</summary>
    Task<int> ReceiveOnceAsync(ICommandHandler handler, CancellationToken cancellationToken);

    /// <summary>Receives and processes until cancelled, then returns normally; idles between empty polls.</summary>
    Task RunAsync(ICommandHandler handler, CancellationToken cancellationToken);
}
