using Serverless.Shared.Media;

namespace Serverless.Shared.Transport.InMemory;

/// <summary><see cref="ICommandSender"/> onto an <see cref="InMemoryCommandBus"/>.</summary>
public sealed class InMemoryCommandSender : ICommandSender
{
    private readonly InMemoryCommandBus _bus;
    private readonly CommandQueueNames _names;

    /// <summary>Creates the sender.</summary>
    public InMemoryCommandSender(InMemoryCommandBus bus, CommandQueueNames names)
    {
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(names);
        _bus = bus;
        _names = names;
    }

    /// <inheritdoc />
    public Task SendAsync(MediaCommand command, CancellationToken cancellationToken = default)
    {
        var queue = _names.For(command);
        _bus.Enqueue(queue, new InMemoryMessage(MediaMessageSerializer.Serialize(command), 0), TimeSpan.Zero);
        return Task.CompletedTask;
    }
}
