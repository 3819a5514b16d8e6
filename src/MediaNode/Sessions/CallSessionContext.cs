using Microsoft.Extensions.Logging;
using Serverless.MediaNode.Events;
using Serverless.Shared.Media;

namespace Serverless.MediaNode.Sessions;

/// <summary>What every session shares: node id, clock, outbox, registry, metrics, logger.</summary>
public sealed class CallSessionContext(
    string nodeId,
    TimeSpan connectTimeout,
    TimeProvider time,
    EventOutbox outbox,
    SessionRegistry registry,
    MediaNodeMetrics metrics,
    ILogger<CallSession> logger)
{
    /// <summary>This node's id, stamped on every event.</summary>
    public string NodeId { get; } = nodeId;

    /// <summary>Longest time from start to media connected.</summary>
    public TimeSpan ConnectTimeout { get; } = connectTimeout;

    /// <summary>Clock for durations and event times.</summary>
    public TimeProvider Time { get; } = time;

    /// <summary>Where events go.</summary>
    public EventOutbox Outbox { get; } = outbox;

    /// <summary>The node's calls.</summary>
    public SessionRegistry Registry { get; } = registry;

    /// <summary>Instruments.</summary>
    public MediaNodeMetrics Metrics { get; } = metrics;

    /// <summary>Session logger.</summary>
    public ILogger<CallSession> Logger { get; } = logger;

    /// <summary>Queues an event for the Functions.</summary>
    public void Publish(MediaEvent mediaEvent) => Outbox.Enqueue(mediaEvent);

    /// <summary>Queues a start's reply; the task is true once it was handed over to the Functions (see <see cref="EventOutbox.EnqueueTracked"/>).</summary>
    public Task<bool> PublishTracked(MediaEvent mediaEvent) => Outbox.EnqueueTracked(mediaEvent);
}
