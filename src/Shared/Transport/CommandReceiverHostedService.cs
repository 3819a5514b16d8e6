using Microsoft.Extensions.Hosting;

namespace Serverless.Shared.Transport;

/// <summary>Runs the node's <see cref="ICommandReceiver"/> with the registered <see cref="ICommandHandler"/> for the host's lifetime.</summary>
public sealed class CommandReceiverHostedService : BackgroundService
{
    private readonly ICommandReceiver _receiver;
    private readonly ICommandHandler _handler;

    /// <summary>Creates the service.</summary>
    public CommandReceiverHostedService(ICommandReceiver receiver, ICommandHandler handler)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentNullException.ThrowIfNull(handler);
        _receiver = receiver;
        _handler = handler;
    }

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _receiver.RunAsync(_handler, stoppingToken);
}
