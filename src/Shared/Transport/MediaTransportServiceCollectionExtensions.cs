using Azure.Core;
using Azure.Messaging.ServiceBus;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Shared.Transport.InMemory;
using Serverless.Shared.Transport.ServiceBus;
using Serverless.Shared.Transport.StorageQueues;

namespace Serverless.Shared.Transport;

/// <summary>Registers the command transport chosen by <c>Transport:Kind</c>.</summary>
public static class MediaTransportServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ICommandSender"/> (Functions) and <see cref="ICommandReceiver"/> (MediaNode, needs
    /// <c>Transport:NodeId</c>) for the adapter named by the <c>Transport</c> section, validated at start-up.
    /// Identity-based endpoints use a <see cref="TokenCredential"/> the host registers.
    /// </summary>
    public static IServiceCollection AddMediaCommandTransport(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddMediaCommandTransport(options => configuration.GetSection(MediaTransportOptions.SectionName).Bind(options));
    }

    /// <summary>As <see cref="AddMediaCommandTransport(IServiceCollection, IConfiguration)"/>, configured in code.</summary>
    public static IServiceCollection AddMediaCommandTransport(this IServiceCollection services, Action<MediaTransportOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);

        services.AddOptions<MediaTransportOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MediaTransportOptions>, MediaTransportOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IIdempotencyStore>(sp => new InMemoryIdempotencyStore(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<CallSequenceGate>();
        services.TryAddSingleton<CommandWake>();
        services.TryAddSingleton(sp => new CommandProcessorFactory(
            sp.GetRequiredService<IIdempotencyStore>(),
            sp.GetRequiredService<CallSequenceGate>(),
            Options(sp),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<CommandProcessor>>()));

        services.TryAddSingleton(sp => new InMemoryCommandBus(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new StorageQueueClients(CreateQueueService(sp, Options(sp))));
        services.TryAddSingleton(sp => CreateServiceBusClient(sp, Options(sp)));

        services.TryAddSingleton<ICommandSender>(sp =>
        {
            var options = Options(sp);
            var names = options.QueueNames();
            ICommandSender sender = options.Kind switch
            {
                TransportKind.InMemory => new InMemoryCommandSender(sp.GetRequiredService<InMemoryCommandBus>(), names),
                TransportKind.StorageQueues => new StorageQueueCommandSender(sp.GetRequiredService<StorageQueueClients>(), names),
                TransportKind.ServiceBus => new ServiceBusCommandSender(sp.GetRequiredService<ServiceBusClient>(), names),
                _ => throw new InvalidOperationException($"Unsupported transport kind {options.Kind}."),
            };
            return options.WakeUrls is { Count: > 0 } wakeUrls
                ? new WakingCommandSender(sender, [.. wakeUrls], sp.GetService<ILogger<WakingCommandSender>>() ?? (ILogger)Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance)
                : sender;
        });

        services.TryAddSingleton<ICommandReceiver>(sp =>
        {
            var options = Options(sp);
            var nodeId = options.NodeId
                ?? throw new InvalidOperationException("Receiving commands needs Transport:NodeId (this MediaNode's id).");
            var processors = sp.GetRequiredService<CommandProcessorFactory>();
            var time = sp.GetRequiredService<TimeProvider>();
            return options.Kind switch
            {
                TransportKind.InMemory => new InMemoryCommandReceiver(sp.GetRequiredService<InMemoryCommandBus>(), nodeId, options, processors),
                TransportKind.StorageQueues => new StorageQueueCommandReceiver(sp.GetRequiredService<StorageQueueClients>(), nodeId, options, processors, time, sp.GetRequiredService<CommandWake>()),
                TransportKind.ServiceBus => new ServiceBusCommandReceiver(sp.GetRequiredService<ServiceBusClient>(), nodeId, options, processors, time),
                _ => throw new InvalidOperationException($"Unsupported transport kind {options.Kind}."),
            };
        });

        return services;
    }

    /// <summary>
    /// For a MediaNode: the transport plus <typeparamref name="THandler"/> as the command handler, run by a hosted
    /// service for the host's lifetime.
    /// </summary>
    public static IServiceCollection AddMediaCommandReceiver<THandler>(this IServiceCollection services, IConfiguration configuration)
        where THandler : class, ICommandHandler
    {
        services.AddMediaCommandTransport(configuration);
        services.TryAddSingleton<ICommandHandler, THandler>();
        services.AddHostedService<CommandReceiverHostedService>();
        return services;
    }

    private static MediaTransportOptions Options(IServiceProvider sp) =>
        sp.GetRequiredService<IOptions<MediaTransportOptions>>().Value;

    private static QueueServiceClient CreateQueueService(IServiceProvider sp, MediaTransportOptions options) =>
        !string.IsNullOrWhiteSpace(options.ConnectionString)
            ? new QueueServiceClient(options.ConnectionString, StorageQueueClients.CreateClientOptions())
            : new QueueServiceClient(options.QueueServiceUri, sp.GetRequiredService<TokenCredential>(), StorageQueueClients.CreateClientOptions());

    private static ServiceBusClient CreateServiceBusClient(IServiceProvider sp, MediaTransportOptions options) =>
        !string.IsNullOrWhiteSpace(options.ConnectionString)
            ? new ServiceBusClient(options.ConnectionString)
            : new ServiceBusClient(options.FullyQualifiedNamespace, sp.GetRequiredService<TokenCredential>());
}
