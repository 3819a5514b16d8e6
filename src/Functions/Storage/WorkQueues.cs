using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Identity;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Serverless.Functions.Storage;

/// <summary>
/// Section <see cref="SectionName"/>: the Storage queues that carry work due later (pay-per-use: no timer polls for
/// it). The queue triggers name the same connection, <see cref="SectionName"/>: a connection string in the setting
/// itself (local, Azurite), or <c>WorkQueues__queueServiceUri</c> with the app's identity (Azure, as the extension reads it).
/// </summary>
public sealed class WorkQueueOptions : IValidatableObject
{
    public const string SectionName = "WorkQueues";

    /// <summary>Call deadlines (setup, placement, answer window, maximum duration, the node's final report).</summary>
    public const string CallDeadlines = "call-deadlines";

    /// <summary>A node's watch while it carries calls: each message checks its heartbeat.</summary>
    public const string NodeWatch = "node-watch";

    /// <summary>Callback deliveries due (first attempt and each back-off).</summary>
    public const string Callbacks = "callbacks-due";

    /// <summary>Scheduled dials due, and attempts in flight to settle.</summary>
    public const string Dials = "dials-due";

    /// <summary>The analytics backfill's pages (one message per page of call rows, each sending the next).</summary>
    public const string AnalyticsBackfill = "analytics-backfill";

    /// <summary>Every default queue name (Bicep creates them, each with its <c>-poison</c> queue).</summary>
    public static IReadOnlyList<string> All { get; } = [CallDeadlines, NodeWatch, Callbacks, Dials, AnalyticsBackfill];

    /// <summary>The queue triggers read their queue's name from these settings (Bicep sets the defaults above).</summary>
    public const string CallDeadlinesSetting = "%" + SectionName + ":CallDeadlinesQueue%";
    public const string NodeWatchSetting = "%" + SectionName + ":NodeWatchQueue%";
    public const string CallbacksSetting = "%" + SectionName + ":CallbacksQueue%";
    public const string DialsSetting = "%" + SectionName + ":DialsQueue%";
    public const string AnalyticsBackfillSetting = "%" + SectionName + ":AnalyticsBackfillQueue%";

    /// <summary>Queue of call deadlines (the trigger reads the same setting).</summary>
    public string CallDeadlinesQueue { get; set; } = CallDeadlines;

    public string NodeWatchQueue { get; set; } = NodeWatch;

    public string CallbacksQueue { get; set; } = Callbacks;

    public string DialsQueue { get; set; } = Dials;

    public string AnalyticsBackfillQueue { get; set; } = AnalyticsBackfill;

    /// <summary>The service's own limit on a visibility delay.</summary>
    public static readonly TimeSpan StorageMaximum = TimeSpan.FromDays(7);

    /// <summary>
    /// Longest visibility delay given to a message (default and most: 7 days, the service's limit): work due later
    /// arrives early and is sent again for the rest. 0 makes every message visible at once, each carrying its
    /// <c>dueAt</c>: only for tests that move the app's clock (a visibility delay runs on the service's real clock),
    /// where the test host delivers a message when its <c>dueAt</c> has come on that clock.
    /// </summary>
    public TimeSpan MaxVisibilityDelay { get; set; } = StorageMaximum;

    public static readonly TimeSpan DefaultNodeCheckInterval = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often a node that carries calls has its heartbeat checked (one <c>node-watch</c> message per node per
    /// interval, only while it carries calls). With <c>NodeWatch:DeadAfter</c> 8 s a killed node's calls end within
    /// about 13 s.
    /// </summary>
    public TimeSpan NodeCheckInterval { get; set; } = DefaultNodeCheckInterval;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxVisibilityDelay < TimeSpan.Zero || MaxVisibilityDelay > StorageMaximum)
        {
            yield return new ValidationResult("MaxVisibilityDelay must be from 0 to 7 days (the Storage limit).", [nameof(MaxVisibilityDelay)]);
        }

        foreach (var (name, value) in new[] { (nameof(CallDeadlinesQueue), CallDeadlinesQueue), (nameof(NodeWatchQueue), NodeWatchQueue), (nameof(CallbacksQueue), CallbacksQueue), (nameof(DialsQueue), DialsQueue), (nameof(AnalyticsBackfillQueue), AnalyticsBackfillQueue) })
        {
            if (value is null || !System.Text.RegularExpressions.Regex.IsMatch(value, "^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,56}$"))
            {
                yield return new ValidationResult($"{name} must be a storage queue name (3-57 of a-z, 0-9 and single dashes, leaving room for '-poison').", [name]);
            }
        }

        if (NodeCheckInterval < TimeSpan.FromSeconds(1) || NodeCheckInterval > TimeSpan.FromMinutes(5))
        {
            yield return new ValidationResult("NodeCheckInterval must be from 1 s to 5 min.", [nameof(NodeCheckInterval)]);
        }
    }
}

/// <summary>One unit of deferred work: what (<see cref="Id"/>: a call, a node, or empty) and when.</summary>
public sealed record WorkMessage(
    [property: JsonPropertyName("dueAt")] DateTimeOffset DueAt,
    [property: JsonPropertyName("id")] string Id)
{
    public string ToJson() => JsonSerializer.Serialize(this);

    /// <summary>The message, or null when the text is not one (a poison message is dropped, not retried).</summary>
    public static WorkMessage? TryParse(string text)
    {
        try
        {
            return JsonSerializer.Deserialize<WorkMessage>(text) is { Id: not null } m ? m : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>
/// Sends <see cref="WorkMessage"/>s with a visibility delay up to their due time (computed from the app's
/// <see cref="TimeProvider"/>). A send that fails is logged, never thrown: the caller's state is committed already,
/// and the slow safety sweep (<c>Sweeper</c>) finds the work by its index. Queues are created on first use.
/// </summary>
public sealed partial class WorkScheduler(QueueServiceClient service, IOptions<WorkQueueOptions> options, TimeProvider time, ILogger<WorkScheduler> logger)
{
    private readonly ConcurrentDictionary<string, Lazy<Task>> _created = new(StringComparer.Ordinal);

    /// <summary>Sends <paramref name="id"/> to <paramref name="queue"/>, visible at <paramref name="dueAt"/> (capped).</summary>
    public async Task ScheduleAsync(string queue, string id, DateTimeOffset dueAt, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        ArgumentNullException.ThrowIfNull(id);
        var delay = dueAt - time.GetUtcNow();
        var cap = options.Value.MaxVisibilityDelay;
        delay = delay < TimeSpan.Zero ? TimeSpan.Zero : delay > cap ? cap : delay;
        var client = service.GetQueueClient(NameOf(queue));
        try
        {
            await EnsureAsync(client);
            await client.SendMessageAsync(new WorkMessage(dueAt, id).ToJson(), visibilityTimeout: delay, cancellationToken: cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // The queue was lost with the storage: create it again and send once more.
            _created.TryRemove(client.Name, out _);
            try
            {
                await EnsureAsync(client);
                await client.SendMessageAsync(new WorkMessage(dueAt, id).ToJson(), visibilityTimeout: delay, cancellationToken: cancellationToken);
            }
            catch (Exception again) when (IsStorageFailure(again))
            {
                LogSendFailed(again, queue, dueAt);
            }
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            LogSendFailed(ex, queue, dueAt);
        }
    }

    // The state the message is about is committed already: a storage or identity failure must not turn it into an error.
    private static bool IsStorageFailure(Exception ex) => ex is RequestFailedException or AuthenticationFailedException or HttpRequestException;

    /// <summary>
    /// For a handler: true when <paramref name="message"/> came before its time (a delay capped at the service's
    /// 7 days); it is then sent again for the rest, and the handler does nothing now.
    /// </summary>
    public async Task<bool> DeferIfEarlyAsync(string queue, WorkMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.DueAt <= time.GetUtcNow())
        {
            return false;
        }

        await ScheduleAsync(queue, message.Id, message.DueAt, cancellationToken);
        return true;
    }

    // The kinds are the default names; a deployment (or a test) may name its queues otherwise.
    private string NameOf(string kind)
    {
        var o = options.Value;
        return kind switch
        {
            WorkQueueOptions.CallDeadlines => o.CallDeadlinesQueue,
            WorkQueueOptions.NodeWatch => o.NodeWatchQueue,
            WorkQueueOptions.Callbacks => o.CallbacksQueue,
            WorkQueueOptions.Dials => o.DialsQueue,
            WorkQueueOptions.AnalyticsBackfill => o.AnalyticsBackfillQueue,
            _ => kind,
        };
    }

    private Task EnsureAsync(QueueClient client)
    {
        var lazy = _created.GetOrAdd(client.Name, _ => new Lazy<Task>(() => client.CreateIfNotExistsAsync()));
        return lazy.Value;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Work for {DueAt} not sent to queue {Queue}; the safety sweep will find it")]
    private partial void LogSendFailed(Exception exception, string queue, DateTimeOffset dueAt);
}

/// <summary>Builds the <see cref="QueueServiceClient"/> the same way the queue extension resolves the triggers' connection.</summary>
public static class WorkQueueConnection
{
    /// <summary>
    /// The connection string in setting <c>WorkQueues</c> (or <c>ConnectionStrings:WorkQueues</c>); else
    /// <c>WorkQueues:queueServiceUri</c> with the managed identity (<c>WorkQueues:clientId</c>); else the app's
    /// <c>Storage:ConnectionString</c> (locally one Azurite holds everything).
    /// </summary>
    public static QueueServiceClient Create(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        var section = WorkQueueOptions.SectionName;
        if ((configuration[section] ?? configuration[$"ConnectionStrings:{section}"]) is { Length: > 0 } connectionString)
        {
            return new QueueServiceClient(connectionString, options);
        }

        if (configuration[$"{section}:queueServiceUri"] is { Length: > 0 } uri)
        {
            var clientId = configuration[$"{section}:clientId"];
            var credential = string.IsNullOrEmpty(clientId) ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned) : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
            return new QueueServiceClient(new Uri(uri), credential, options);
        }

        return new QueueServiceClient(configuration["Storage:ConnectionString"] ?? "UseDevelopmentStorage=true", options);
    }
}

public static class WorkQueueServiceCollectionExtensions
{
    /// <summary>Registers <see cref="WorkScheduler"/> and <see cref="WorkQueueOptions"/> (section <c>WorkQueues</c>, checked at start).</summary>
    public static IServiceCollection AddWorkQueues(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<WorkQueueOptions>().Bind(configuration.GetSection(WorkQueueOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new WorkScheduler(
            WorkQueueConnection.Create(configuration), sp.GetRequiredService<IOptions<WorkQueueOptions>>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<WorkScheduler>>()));
        return services;
    }
}
