using Serverless.Shared.Media;
using Serverless.Shared.Transport;
using Serverless.Shared.Transport.InMemory;

namespace Serverless.Functions.Tests.App;

/// <summary>The in-memory sender, except that the first <typeparamref name="TCommand"/> fails as a broker outage would.</summary>
internal sealed class FlakyCommandSender<TCommand>(InMemoryCommandBus bus) : ICommandSender
    where TCommand : MediaCommand
{
    private readonly InMemoryCommandSender _inner = new(bus, new MediaTransportOptions().QueueNames());
    private int _failed;

    public int Failures => _failed;

    public Task SendAsync(MediaCommand command, CancellationToken cancellationToken = default)
    {
        if (command is TCommand && Interlocked.Exchange(ref _failed, 1) == 0)
        {
            throw new IOException("Simulated transport outage.");
        }

        return _inner.SendAsync(command, cancellationToken);
    }
}
