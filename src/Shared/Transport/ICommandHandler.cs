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
}
