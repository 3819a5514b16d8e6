namespace Serverless.Shared.Transport;

/// <summary>What <see cref="CommandProcessor"/> did with one delivery.</summary>
public enum CommandOutcome
{
    /// <summary>The handler succeeded; the message was completed.</summary>
    Handled,

    /// <summary>Already handled (redelivery or re-send); completed without running the handler again.</summary>
    Duplicate,

    /// <summary>The handler failed; the message was abandoned for another attempt.</summary>
    Retried,

    /// <summary>An earlier command of the same call is still outstanding; the message was requeued.</summary>
    HeldBack,

    /// <summary>Moved to the poison / dead-letter queue.</summary>
    DeadLettered,

    /// <summary>
    /// The handler succeeded but its reply is not yet handed over (<see cref="ICommandHandler.Handover"/>): the message
    /// stays invisible (renewed) and is settled in the background once the handover ends.
    /// </summary>
    AwaitingHandover,
}
