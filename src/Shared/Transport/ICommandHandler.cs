using Serverless.Shared.Media;

namespace Serverless.Shared.Transport;

/// <summary>What a MediaNode does with one command. Throwing means "failed, retry later".</summary>
public interface ICommandHandler
{
    /// <summary>Handles one command; returns normally on success, throws on failure.</summary>
    Task HandleAsync(MediaCommand command, CancellationToken cancellationToken);
}
