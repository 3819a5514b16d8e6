using System.Collections.Concurrent;
using Azure.Messaging.ServiceBus;
using Serverless.Shared.Media;

namespace Serverless.Shared.Transport.ServiceBus;

/// <summary>
/// <see cref="ICommandSender"/> onto Azure Service Bus queues (new-calls queue, one queue per node). Queues are not
/// session-enabled, so <c>SessionId</c> stays unset: per-call order comes from the envelope's sequence number,
/// the same rule as the other transports. <c>MessageId</c> is the command's idempotency id, so the broker's
/// duplicate detection (when enabled) also drops re-sends.
/// </summary>
public sealed class ServiceBusCommandSender : ICommandSender, IAsyncDisposable
{
    /// <summary>Application property carrying the W3C traceparent.</summary>
    public const string TraceParentProperty = "traceparent";

    /// <summary>Application property carrying the W3C tracestate.</summary>
    public const string TraceStateProperty = "tracestate";

    /// <summary>Application property the Service Bus SDK itself uses for trace propagation.</summary>
    public const string DiagnosticIdProperty = "Diagnostic-Id";

    /// <summary>Application property carrying the per-call sequence number.</summary>
    public const string SequenceProperty = "sequence";

    private readonly ServiceBusClient _client;
    private readonly CommandQueueNames _names;
    private readonly ConcurrentDictionary<string, ServiceBusSender> _senders = new(StringComparer.Ordinal);

    /// <summary>Creates the sender.</summary>
    public ServiceBusCommandSender(ServiceBusClient client, CommandQueueNames names)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(names);
        _client = client;
        _names = names;
    }

    /// <inheritdoc />
    public async Task SendAsync(MediaCommand command, CancellationToken cancellationToken = default)
    {
        var queue = _names.For(command);
        var sender = _senders.GetOrAdd(queue, _client.CreateSender);
        await sender.SendMessageAsync(ToMessage(command), cancellationToken);
    }

    /// <summary>Maps a command onto a broker message (body = the serialized command; headers for routing and tracing).</summary>
    public static ServiceBusMessage ToMessage(MediaCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var message = new ServiceBusMessage(MediaMessageSerializer.Serialize(command))
        {
            MessageId = command.MessageId,
            ContentType = "application/json",
            Subject = command.MessageType,
            CorrelationId = command.CallId,
            To = command.NodeId,
        };
        message.ApplicationProperties[SequenceProperty] = command.Sequence;
        if (command.TraceParent is { } traceParent)
        {
            message.ApplicationProperties[TraceParentProperty] = traceParent;
            message.ApplicationProperties[DiagnosticIdProperty] = traceParent;
        }

        if (command.TraceState is { } traceState)
        {
            message.ApplicationProperties[TraceStateProperty] = traceState;
        }

        return message;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var sender in _senders.Values)
        {
            await sender.DisposeAsync();
        }

        _senders.Clear();
    }
}
