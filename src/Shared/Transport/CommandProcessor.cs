using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Serverless.Shared.Media;

namespace Serverless.Shared.Transport;

/// <summary>
/// The transport-independent delivery policy, applied to every received message by every adapter:
/// unreadable → dead-letter; already processed → complete (idempotent redelivery); too many deliveries →
/// dead-letter; predecessor outstanding → requeue (or dead-letter once held too long); otherwise run the handler,
/// then complete on success or abandon for a retry on failure, dead-lettering after the last allowed attempt. A
/// success whose reply is still on its way (<see cref="ICommandHandler.Handover"/>) is settled in the background once
/// the reply was handed over (complete) or given up (abandon), while the adapter keeps the message invisible.
/// </summary>
public sealed partial class CommandProcessor
{
    /// <summary>Source of the per-command activities (each continues the sender's trace).</summary>
    public static readonly ActivitySource ActivitySource = new("Serverless.Shared.Transport");

    private readonly ICommandHandler _handler;
    private readonly IIdempotencyStore _idempotency;
    private readonly CallSequenceGate _gate;
    private readonly MediaTransportOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HandoverSettlements _settlements;

    /// <summary>Creates a processor around one handler; <paramref name="settlements"/> tracks the commands whose reply is still on its way.</summary>
    public CommandProcessor(
        ICommandHandler handler,
        IIdempotencyStore idempotency,
        CallSequenceGate gate,
        MediaTransportOptions options,
        TimeProvider time,
        ILogger logger,
        HandoverSettlements? settlements = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(idempotency);
        ArgumentNullException.ThrowIfNull(gate);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxAttempts, 1);
        _handler = handler;
        _idempotency = idempotency;
        _gate = gate;
        _options = options;
        _time = time;
        _logger = logger;
        _settlements = settlements ?? new HandoverSettlements();
    }

    /// <summary>Applies the policy to one delivery and settles it.</summary>
    public async Task<CommandOutcome> ProcessAsync(CommandDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        if (!MediaMessageSerializer.TryDeserialize<MediaCommand>(delivery.Body.Span, out var command, out var error))
        {
            LogUnreadable(delivery.Queue, error);
            await delivery.DeadLetterAsync(DeadLetterReason.Unreadable, error.ToString(), cancellationToken);
            return CommandOutcome.DeadLettered;
        }

        using var activity = command.Trace.StartActivity("media.command " + command.MessageType, ActivitySource);
        activity.SetTag("media.call_id", command.CallId);
        activity.SetTag("messaging.message.id", command.MessageId);
        activity.SetTag("messaging.destination.name", delivery.Queue);

        if (await _idempotency.IsProcessedAsync(command.MessageId, cancellationToken))
        {
            LogDuplicate(command.MessageType, command.MessageId, command.CallId);
            _gate.Advance(command);
            await delivery.CompleteAsync(cancellationToken);
            return CommandOutcome.Duplicate;
        }

        if (_settlements.IsPending(command.MessageId))
        {
            // Another copy (a re-send) was handled here and its reply is on its way: that copy settles the command,
            // and is released for another delivery should the reply never be handed over.
            LogDuplicate(command.MessageType, command.MessageId, command.CallId);
            await delivery.CompleteAsync(cancellationToken);
            return CommandOutcome.Duplicate;
        }

        if (delivery.DeliveryCount > _options.MaxAttempts)
        {
            // The handler may have crashed the process mid-way on earlier deliveries; do not try again.
            return await DeadLetterAsync(delivery, command, DeadLetterReason.MaxAttemptsExceeded, "delivery count exceeded", cancellationToken);
        }

        switch (_gate.Check(command))
        {
            case SequenceDecision.AlreadyPassed:
                LogDuplicate(command.MessageType, command.MessageId, command.CallId);
                await delivery.CompleteAsync(cancellationToken);
                return CommandOutcome.Duplicate;

            case SequenceDecision.HoldBack:
                if (_time.GetUtcNow() - command.CreatedAt > _options.MaxHoldTime)
                {
                    // Not Advance: the predecessor may still come, and must not then be skipped as already passed.
                    LogDeadLettered(null, command.MessageType, command.MessageId, command.CallId, DeadLetterReason.PredecessorMissing);
                    await delivery.DeadLetterAsync(DeadLetterReason.PredecessorMissing, $"sequence {command.Sequence}", cancellationToken);
                    return CommandOutcome.DeadLettered;
                }

                LogHeldBack(command.MessageType, command.CallId, command.Sequence);
                await delivery.RequeueAsync(_options.HoldBackDelay, cancellationToken);
                return CommandOutcome.HeldBack;
        }

        try
        {
            await _handler.HandleAsync(command, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            activity.SetStatus(ActivityStatusCode.Error, ex.Message);
            if (delivery.DeliveryCount >= _options.MaxAttempts)
            {
                return await DeadLetterAsync(delivery, command, DeadLetterReason.MaxAttemptsExceeded, ex.Message, cancellationToken, ex);
            }

            LogRetry(ex, command.MessageType, command.MessageId, command.CallId, delivery.DeliveryCount, _options.MaxAttempts);
            await delivery.AbandonAsync(_options.RetryDelay, cancellationToken);
            return CommandOutcome.Retried;
        }

        var handover = _handler.Handover(command);
        if (handover is { IsCompleted: false })
        {
            // Not on the receive loop: other commands go on while this one's reply travels. The message stays the
            // node's (renewed by the adapter) and is completed only once the reply is handed over.
            LogAwaitingHandover(command.MessageType, command.MessageId, command.CallId);
            _settlements.Track(command.MessageId, SettleAfterHandoverAsync(delivery, command, handover));
            return CommandOutcome.AwaitingHandover;
        }

        return await SettleHandledAsync(delivery, command, handover, cancellationToken);
    }

    private async Task SettleAfterHandoverAsync(CommandDelivery delivery, MediaCommand command, Task<bool> handover)
    {
        try
        {
            await ((Task)handover).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            // The receive loop's token may be gone (the receiver stopping while the dispatcher still delivers): the
            // settlement is one storage call, bounded by the client's own timeouts.
            await SettleHandledAsync(delivery, command, handover, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The message reappears after its visibility or lock timeout and is then recognised or run again.
            LogSettlementFailed(ex, delivery.Queue);
        }
    }

    private async Task<CommandOutcome> SettleHandledAsync(CommandDelivery delivery, MediaCommand command, Task<bool>? handover, CancellationToken cancellationToken)
    {
        if (handover is not null && (!handover.IsCompletedSuccessfully || !handover.Result))
        {
            // Handled here, but its reply never reached the Functions: another delivery (here or on another node) must
            // produce it again. Neither marked nor advanced, so a redelivery here runs the handler again.
            LogHandoverFailed(command.MessageType, command.MessageId, command.CallId);
            if (delivery.DeliveryCount >= _options.MaxAttempts)
            {
                return await DeadLetterAsync(delivery, command, DeadLetterReason.MaxAttemptsExceeded, "reply not handed over", cancellationToken);
            }

            await delivery.AbandonAsync(_options.RetryDelay, cancellationToken);
            return CommandOutcome.Retried;
        }

        // Mark before completing: if completing fails, the redelivery is recognised instead of run twice.
        await _idempotency.MarkProcessedAsync(command.MessageId, cancellationToken);
        _gate.Advance(command);
        await delivery.CompleteAsync(cancellationToken);
        return CommandOutcome.Handled;
    }

    /// <summary>
    /// As <see cref="ProcessAsync"/>, but a failure to settle (lock lost, network, store) is logged and swallowed
    /// rather than stopping the receiver: the message reappears after its lock or visibility timeout and is then
    /// recognised as processed or tried again. Returns null in that case.
    /// </summary>
    public async Task<CommandOutcome?> TryProcessAsync(CommandDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        try
        {
            return await ProcessAsync(delivery, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogSettlementFailed(ex, delivery.Queue);
            return null;
        }
    }

    private async Task<CommandOutcome> DeadLetterAsync(
        CommandDelivery delivery, MediaCommand command, DeadLetterReason reason, string detail, CancellationToken cancellationToken,
        Exception? cause = null)
    {
        LogDeadLettered(cause, command.MessageType, command.MessageId, command.CallId, reason);
        await delivery.DeadLetterAsync(reason, detail, cancellationToken);
        // It will never run, so its successors must not wait for it.
        _gate.Advance(command);
        return CommandOutcome.DeadLettered;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{MessageType} {MessageId} of call {CallId} handled; completed once its reply is handed over")]
    private partial void LogAwaitingHandover(string messageType, string messageId, string callId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{MessageType} {MessageId} of call {CallId} handled but its reply was not handed over; released for another delivery")]
    private partial void LogHandoverFailed(string messageType, string messageId, string callId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Settling a command from {Queue} failed; it will be delivered again")]
    private partial void LogSettlementFailed(Exception exception, string queue);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unreadable command on {Queue}: {Error}; dead-lettered")]
    private partial void LogUnreadable(string queue, MediaMessageError error);

    [LoggerMessage(Level = LogLevel.Information, Message = "{MessageType} {MessageId} of call {CallId} already processed; completed without handling")]
    private partial void LogDuplicate(string messageType, string messageId, string callId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{MessageType} of call {CallId} (sequence {Sequence}) waits for an earlier command")]
    private partial void LogHeldBack(string messageType, string callId, long sequence);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{MessageType} {MessageId} of call {CallId} failed on attempt {Attempt} of {MaxAttempts}; will retry")]
    private partial void LogRetry(Exception exception, string messageType, string messageId, string callId, int attempt, int maxAttempts);

    [LoggerMessage(Level = LogLevel.Error, Message = "{MessageType} {MessageId} of call {CallId} dead-lettered: {Reason}")]
    private partial void LogDeadLettered(Exception? exception, string messageType, string messageId, string callId, DeadLetterReason reason);
}
