using Serverless.Shared.Media;

namespace Serverless.Shared.Transport;

/// <summary>What a MediaNode does with one command. Throwing means "failed, retry later".</summary>
public interface ICommandHandler
{
    /// <summary>Handles one command; returns normally on success, throws on failure.</summary>
    Task HandleAsync(MediaCommand command, CancellationToken cancellationToken);

    /// <summary>
    /// How many new calls (start commands on the shared new-calls queue) the node can take now: 0 when it is full or
    /// draining, so its receiver leaves them for nodes with room instead of taking and failing them. Unlimited by default.
    /// </summary>
    int NewCallRoom => int.MaxValue;

    /// <summary>
    /// Asked once right after <see cref="HandleAsync"/> succeeded: what the command's message still waits for before it
    /// may be completed, e.g. a start's <c>OfferReady</c>/<c>AnswerReady</c> handed over to the Functions. Until then
    /// the transport keeps the message from other nodes (Storage Queues visibility, Service Bus lock, renewed), so a
    /// node that dies first leaves the command to another node. True: handed over, complete the message; false: not
    /// handed over (dropped, the node stopping), let it be delivered again. Null (the default): nothing owed.
    /// </summary>
    Task<bool>? Handover(MediaCommand command) => null;
}
