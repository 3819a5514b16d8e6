using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Serverless.Shared.Transport;

/// <summary>
/// Builds a <see cref="CommandProcessor"/> for a handler from the node-wide parts (idempotency store, sequence gate,
/// options, clock), so every receiver applies the same policy with the same state.
/// </summary>
public sealed class CommandProcessorFactory
{
    private readonly IIdempotencyStore _idempotency;
    private readonly CallSequenceGate _gate;
    private readonly MediaTransportOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates the factory.</summary>
    public CommandProcessorFactory(
        IIdempotencyStore idempotency,
        CallSequenceGate gate,
        MediaTransportOptions options,
        TimeProvider time,
        ILogger<CommandProcessor>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(idempotency);
        ArgumentNullException.ThrowIfNull(gate);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _idempotency = idempotency;
        _gate = gate;
        _options = options;
        _time = time;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>The node's commands handled whose reply is not yet handed over (their messages are settled later).</summary>
    public HandoverSettlements Settlements { get; } = new();

    /// <summary>Logger shared by the processors and receive loops.</summary>
    internal ILogger Logger => _logger;

    /// <summary>A processor that hands commands to <paramref name="handler"/>.</summary>
    public CommandProcessor Create(ICommandHandler handler) =>
        new(handler, _idempotency, _gate, _options, _time, _logger, Settlements);
}
