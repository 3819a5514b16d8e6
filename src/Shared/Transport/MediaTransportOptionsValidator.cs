using Microsoft.Extensions.Options;

namespace Serverless.Shared.Transport;

/// <summary>Refuses transport settings that would fail later, at start-up instead (with ValidateOnStart).</summary>
public sealed class MediaTransportOptionsValidator : IValidateOptions<MediaTransportOptions>
{
    /// <summary>Storage Queues return at most 32 messages per receive.</summary>
    public const int MaxBatchSize = 32;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, MediaTransportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        switch (options.Kind)
        {
            case TransportKind.None:
                failures.Add("Transport:Kind must be ServiceBus, StorageQueues or InMemory.");
                break;
            case TransportKind.ServiceBus when string.IsNullOrWhiteSpace(options.ConnectionString)
                && string.IsNullOrWhiteSpace(options.FullyQualifiedNamespace):
                failures.Add("Service Bus needs Transport:ConnectionString or Transport:FullyQualifiedNamespace.");
                break;
            case TransportKind.StorageQueues when string.IsNullOrWhiteSpace(options.ConnectionString)
                && options.QueueServiceUri is null:
                failures.Add("Storage Queues need Transport:ConnectionString or Transport:QueueServiceUri.");
                break;
        }

        if (!CommandQueueNames.IsValidQueueName(options.NewCallsQueue))
        {
            failures.Add($"Transport:NewCallsQueue '{options.NewCallsQueue}' is not a valid queue name.");
        }

        if (!CommandQueueNames.IsValidQueueName(options.NodeQueuePrefix + "x"))
        {
            failures.Add($"Transport:NodeQueuePrefix '{options.NodeQueuePrefix}' does not form valid queue names.");
        }
        else if (options.NodeId is not null && !CommandQueueNames.IsValidQueueName(options.NodeQueuePrefix + options.NodeId))
        {
            failures.Add($"Transport:NodeId '{options.NodeId}' does not form a valid queue name.");
        }

        if (options.MaxAttempts < 1)
        {
            failures.Add("Transport:MaxAttempts must be at least 1.");
        }

        if (options.BatchSize is < 1 or > MaxBatchSize)
        {
            failures.Add($"Transport:BatchSize must be between 1 and {MaxBatchSize}.");
        }

        // Storage Queues take whole seconds, at least 1 s and at most 7 days.
        if (options.VisibilityTimeout < TimeSpan.FromSeconds(1) || options.VisibilityTimeout > TimeSpan.FromDays(7))
        {
            failures.Add("Transport:VisibilityTimeout must be between 1 second and 7 days.");
        }

        RequirePositive(failures, options.PollInterval, nameof(options.PollInterval));
        RequirePositive(failures, options.ActivePollInterval, nameof(options.ActivePollInterval));
        if (options.ActivePollWindow < TimeSpan.Zero)
        {
            failures.Add("Transport:ActivePollWindow must not be negative.");
        }
        RequirePositive(failures, options.HoldBackDelay, nameof(options.HoldBackDelay));
        if (options.RetryDelay < TimeSpan.Zero)
        {
            failures.Add("Transport:RetryDelay must not be negative.");
        }

        if (options.MaxHoldTime <= options.RetryDelay * Math.Max(options.MaxAttempts, 1))
        {
            failures.Add("Transport:MaxHoldTime must outlast a predecessor's retries (MaxAttempts × RetryDelay).");
        }

        // The doorbell carries nothing and is not signed: it is for one machine only (the local run), never a network.
        foreach (var url in options.WakeUrls ?? [])
        {
            if (!url.IsAbsoluteUri || url.Scheme != Uri.UriSchemeHttp || !url.IsLoopback)
            {
                failures.Add($"Transport:WakeUrls '{url}' must be an http:// loopback URL (the doorbell is local only; Service Bus needs none).");
            }
        }

        if (options.WakeUrls is { Count: > 0 } && options.Kind != TransportKind.StorageQueues)
        {
            failures.Add("Transport:WakeUrls is for Storage Queues only (Service Bus pushes; in-memory needs no wake-up).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void RequirePositive(List<string> failures, TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"Transport:{name} must be positive.");
        }
    }
}
