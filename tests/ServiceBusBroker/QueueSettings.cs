using System.Text.Json;
using System.Xml;

namespace Serverless.Testing.ServiceBusBroker;

/// <summary>
/// The per-queue properties the broker honours, named as in the Service Bus resource model (and the Bicep queue
/// properties). A queue the broker creates on first use gets <see cref="TestBrokerOptions.DefaultQueue"/>.
/// </summary>
public sealed record QueueSettings
{
    /// <summary>How long a peek-locked message stays invisible to other receivers.</summary>
    public TimeSpan LockDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Deliveries after which a message that keeps failing is dead-lettered (MaxDeliveryCountExceeded).</summary>
    public int MaxDeliveryCount { get; init; } = 10;

    /// <summary>Time-to-live of messages that do not set a shorter one.</summary>
    public TimeSpan DefaultMessageTimeToLive { get; init; } = TimeSpan.FromDays(14);

    /// <summary>Whether expired messages go to the dead-letter queue (reason TTLExpiredException) or are dropped.</summary>
    public bool DeadLetteringOnMessageExpiration { get; init; }

    /// <summary>When set, a message whose MessageId was accepted within this window is dropped (and still acknowledged).</summary>
    public TimeSpan? DuplicateDetectionHistoryTimeWindow { get; init; }

    /// <summary>
    /// The queue properties Azure gets: <c>infra/bicep/modules/servicebus-queue.json</c>, which servicebus.bicep loads,
    /// copied next to this assembly. Tests that need a shorter lock or TTL override single values with <c>with</c>.
    /// </summary>
    public static QueueSettings Deployed { get; } = FromArmProperties(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "servicebus-queue.json")));

    /// <summary>Reads ARM queue properties (ISO 8601 durations), keeping defaults for properties not given.</summary>
    public static QueueSettings FromArmProperties(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var settings = new QueueSettings();
        TimeSpan? Duration(string name) =>
            root.TryGetProperty(name, out var value) ? XmlConvert.ToTimeSpan(value.GetString()!) : null;

        return settings with
        {
            LockDuration = Duration("lockDuration") ?? settings.LockDuration,
            MaxDeliveryCount = root.TryGetProperty("maxDeliveryCount", out var max) ? max.GetInt32() : settings.MaxDeliveryCount,
            DefaultMessageTimeToLive = Duration("defaultMessageTimeToLive") ?? settings.DefaultMessageTimeToLive,
            DeadLetteringOnMessageExpiration = root.TryGetProperty("deadLetteringOnMessageExpiration", out var dl) && dl.GetBoolean(),
            DuplicateDetectionHistoryTimeWindow =
                root.TryGetProperty("requiresDuplicateDetection", out var dup) && dup.GetBoolean()
                    ? Duration("duplicateDetectionHistoryTimeWindow") ?? TimeSpan.FromMinutes(10)
                    : null,
        };
    }
}

/// <summary>Options of a <see cref="ServiceBusTestBroker"/>.</summary>
public sealed record TestBrokerOptions
{
    /// <summary>Clock for locks, schedules, TTL and duplicate windows (a fake one makes those tests deterministic).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Settings of queues created on first use: those Azure is deployed with, unless a test says otherwise.</summary>
    public QueueSettings DefaultQueue { get; init; } = QueueSettings.Deployed;

    /// <summary>
    /// Whether an unknown queue is created when a link attaches to it. Service Bus itself refuses
    /// (<c>MessagingEntityNotFound</c>); tests use fresh queue names per test, so on by default.
    /// </summary>
    public bool AutoCreateQueues { get; init; } = true;

    /// <summary>TCP port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; init; }
}
