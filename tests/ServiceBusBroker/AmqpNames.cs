using Amqp.Types;

namespace Serverless.Testing.ServiceBusBroker;

/// <summary>The Service Bus AMQP profile's names (Microsoft's "AMQP 1.0 in Azure Service Bus" guides).</summary>
internal static class AmqpNames
{
    public const string Cbs = "$cbs";
    public const string ManagementSuffix = "/$management";
    public const string DeadLetterSuffix = "/$deadletterqueue";

    /// <summary>Transfer message-format of a batch: each data section is one encoded message.</summary>
    public const uint BatchFormat = 0x80013700;

    public static readonly Symbol SequenceNumber = "x-opt-sequence-number";
    public static readonly Symbol EnqueuedTime = "x-opt-enqueued-time";
    public static readonly Symbol LockedUntil = "x-opt-locked-until";
    public static readonly Symbol LockToken = "x-opt-lock-token";
    public static readonly Symbol ScheduledEnqueueTime = "x-opt-scheduled-enqueue-time";
    public static readonly Symbol DeadLetterSource = "x-opt-deadletter-source";
    public static readonly Symbol EnqueueSequenceNumber = "x-opt-enqueue-sequence-number";

    public static readonly Symbol DeadLetterCondition = "com.microsoft:dead-letter";
    public static readonly Symbol LockLostCondition = "com.microsoft:message-lock-lost";
    public static readonly Symbol NotFoundCondition = "com.microsoft:entity-not-found";

    public const string DeadLetterReason = "DeadLetterReason";

    /// <summary>Symbols compare by reference; conditions must compare by name.</summary>
    public static bool Is(Symbol? condition, Symbol expected) => string.Equals((string?)condition, (string)expected, StringComparison.Ordinal);
    public const string DeadLetterErrorDescription = "DeadLetterErrorDescription";
}
