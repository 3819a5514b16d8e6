using System.Diagnostics.Metrics;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Serverless.MediaNode.Commands;
using Serverless.MediaNode.Events;
using Serverless.MediaNode.Health;
using Serverless.MediaNode.Sessions;
using Serverless.Shared.AudioPlans;
using Serverless.Shared.Media;
using Serverless.Shared.Security;
using Serverless.Shared.Transport;

using Azure.Core;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Azure.Monitor.OpenTelemetry.Exporter;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Azure;
using Serverless.MediaNode.Audio;
using Serverless.MediaNode.Audio.Streaming;
using Serverless.MediaNode.Recording;
using Serverless.WebRtc.Media;

namespace Serverless.MediaNode.Hosting;

/// <summary>Registers the whole node. The order of hosted services is the start order (stop is the reverse).</summary>
public static class MediaNodeServiceCollectionExtensions
{
    /// <summary>Standard OpenTelemetry variable naming the collector; when set, metrics and traces are exported over OTLP.</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Standard Application Insights variable (Bicep sets it); when set, metrics and traces go to Azure Monitor.</summary>
    public const string AppInsightsConnectionStringVariable = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    private const string PromptHttpClientName = "prompts";

    /// <summary>
    /// Blob (prompts, recordings) and Table (heartbeats) clients: in Azure by the node's managed identity through
    /// Microsoft.Extensions.Azure (<c>BlobServiceUri</c>, <c>TableServiceUri</c>), so its account needs no shared key;
    /// locally from <c>StorageConnectionString</c> (Azurite). Clients registered before (tests) are kept.
    /// </summary>
    private static void AddStorageClients(IServiceCollection services, IConfigurationSection section)
    {
        var storage = new MediaNodeOptions();
        section.Bind(storage);
        if (storage.UsesStorageIdentity)
        {
            services.AddAzureClients(clients =>
            {
                clients.AddBlobServiceClient(storage.BlobServiceUri!);
                clients.AddTableServiceClient(storage.TableServiceUri!);
                clients.UseCredential(sp => sp.GetRequiredService<TokenCredential>());
            });
        }
        else
        {
            services.TryAddSingleton(sp => new BlobServiceClient(Node(sp).StorageConnectionString));
            services.TryAddSingleton(sp => new TableServiceClient(Node(sp).StorageConnectionString));
        }
    }

    /// <summary>
    /// The keys stream steps name instead of carrying them (<see cref="StreamCredentials"/>): Entra ID tokens from the
    /// node's identity, and secrets of the <c>StreamKeys:KeyVaultUri</c> vault through a <see cref="SecretClient"/>
    /// registered by Microsoft.Extensions.Azure with that identity (only when a vault is configured). Tests may register
    /// their own <see cref="StreamCredentials"/> first.
    /// </summary>
    private static void AddStreamKeys(IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(StreamKeysOptions.SectionName);
        services.AddOptions<StreamKeysOptions>().Bind(section)
            .Validate(o => o.KeyVaultUri is null || (o.KeyVaultUri.IsAbsoluteUri && o.KeyVaultUri.Scheme == Uri.UriSchemeHttps),
                "StreamKeys:KeyVaultUri must be the vault's absolute https:// URI (e.g. https://kv-name.vault.azure.net/).")
            .Validate(o => o.SecretCacheDuration >= TimeSpan.Zero && o.SecretCacheDuration <= TimeSpan.FromHours(1),
                "StreamKeys:SecretCacheDuration must be from 00:00:00 to 01:00:00.")
            .ValidateOnStart();
        var vault = section.GetValue<Uri?>(nameof(StreamKeysOptions.KeyVaultUri));
        if (vault is not null && vault.IsAbsoluteUri && vault.Scheme == Uri.UriSchemeHttps)
        {
            services.AddAzureClients(clients =>
            {
                clients.AddSecretClient(vault);
                clients.UseCredential(sp => sp.GetRequiredService<TokenCredential>());
            });
        }

        services.TryAddSingleton(sp => new StreamCredentials(
            sp.GetRequiredService<TokenCredential>(),
            sp.GetService<SecretClient>(),
            sp.GetRequiredService<IOptions<StreamKeysOptions>>().Value.SecretCacheDuration,
            sp.GetRequiredService<TimeProvider>()));
    }

    /// <summary>Adds the node from the <c>MediaNode</c> section (its <c>Transport</c> subsection is the command transport).</summary>
    public static IServiceCollection AddMediaNode(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(MediaNodeOptions.SectionName);
        services.AddOptions<MediaNodeOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MediaNodeOptions>, MediaNodeOptionsValidator>());
        // The transport receives on this node's queue: its NodeId is the node's unless set explicitly.
        services.AddOptions<MediaTransportOptions>().PostConfigure<IOptions<MediaNodeOptions>>((transport, node) => transport.NodeId ??= node.Value.NodeId);
        services.TryAddSingleton(TimeProvider.System);
        // Identity-based transport endpoints (Service Bus in Azure) resolve this; locally, connection strings never build it.
        services.TryAddSingleton<TokenCredential>(_ => new DefaultAzureCredential());
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<MediaNodeOptions>>().Value);

        services.AddSingleton(sp => new SessionRegistry(Node(sp).MaxCalls, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new NewCallShare(Node(sp).NodeId, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new EventOutbox(Node(sp).MaxPendingEvents, sp.GetRequiredService<ILogger<EventOutbox>>()));
        services.AddSingleton(sp =>
        {
            var sessions = sp.GetRequiredService<SessionRegistry>();
            var outbox = sp.GetRequiredService<EventOutbox>();
            return new MediaNodeMetrics(sp.GetRequiredService<IMeterFactory>(), () => sessions.ActiveCount, () => outbox.Pending, () => outbox.Dropped, () => sessions.FreeCapacity);
        });
        services.AddSingleton(sp => new CallSessionContext(
            Node(sp).NodeId,
            Node(sp).ConnectTimeout,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<EventOutbox>(),
            sp.GetRequiredService<SessionRegistry>(),
            sp.GetRequiredService<MediaNodeMetrics>(),
            sp.GetRequiredService<ILogger<CallSession>>()));
        // Audio plans: prompts from the configured prompts container (Prompts section), allowlisted URLs or bundled
        // files, encoded once per content; recordings to Blob Storage. Tests may register another factory first.
        services.AddPromptSources(configuration);
        services.AddStreamUrls(configuration, IsDevelopment(configuration));
        AddStreamKeys(services, configuration);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PromptOptions>, NodePromptOptionsValidator>());
        services.AddHttpClient(PromptHttpClientName, http => http.Timeout = TimeSpan.FromSeconds(30))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        AddStorageClients(services, section);
        services.TryAddSingleton<IRecordingStore>(sp => new BlobRecordingStore(sp.GetRequiredService<BlobServiceClient>()));
        services.TryAddSingleton(sp => new PromptCache(
            new OpusEncoderFactory(new OpusCodecOptions { AttemptToUseNativeLibrary = Node(sp).UseNativeOpus }),
            new BlobPromptStore(
                sp.GetRequiredService<BlobServiceClient>(),
                sp.GetRequiredService<PromptSourcePolicy>(),
                sp.GetRequiredService<IHttpClientFactory>().CreateClient(PromptHttpClientName)),
            Path.Combine(AppContext.BaseDirectory, "Audio", "Prompts"),
            sp.GetRequiredService<PromptSourcePolicy>()));
        services.TryAddSingleton<ICallAudioFactory, AudioModuleCallAudioFactory>();

        services.AddHttpClient(MediaEventSender.HttpClientName, (sp, http) => http.Timeout = Node(sp).EventPostTimeout);
        services.AddSingleton(sp => new MediaEventSender(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(MediaEventSender.HttpClientName),
            Node(sp).EventsUrl!,
            new MediaEventSigner(new HmacSha256Signature(Node(sp).EventsSecret!), sp.GetRequiredService<TimeProvider>()),
            sp.GetRequiredService<ILogger<MediaEventSender>>()));
        services.AddSingleton(sp => new EventDispatcher(
            sp.GetRequiredService<EventOutbox>(),
            sp.GetRequiredService<MediaEventSender>(),
            sp.GetRequiredService<MediaNodeMetrics>(),
            sp.GetRequiredService<TimeProvider>(),
            Node(sp).EventRetryDelay,
            Node(sp).MaxEventRetryDelay,
            Node(sp).MaxParallelEventDeliveries,
            sp.GetRequiredService<ILogger<EventDispatcher>>()));
        services.AddSingleton(sp => sp.GetRequiredService<TableServiceClient>().GetTableClient(Node(sp).HeartbeatTable));
        services.AddSingleton<PeerFactoryHost>();
        services.AddSingleton<HeartbeatService>();
        services.AddSingleton<DrainService>();
        services.AddSingleton<NodeWarmUp>();
        services.AddSingleton<ReadinessCheck>();

        // Start order: port, warm-up (the answer path once, before any command), event delivery, commands, heartbeat, drain. Stop runs in reverse: drain hangs up calls
        // while commands still arrive, then the receiver stops, then the dispatcher delivers the last events.
        services.AddHostedService(sp => sp.GetRequiredService<PeerFactoryHost>());
        services.AddHostedService(sp => sp.GetRequiredService<NodeWarmUp>());
        services.AddHostedService(sp => sp.GetRequiredService<EventDispatcher>());
        services.AddMediaCommandReceiver<MediaCommandHandler>(section);
        services.AddHostedService(sp => sp.GetRequiredService<HeartbeatService>());
        services.AddHostedService(sp => sp.GetRequiredService<DrainService>());
        services.AddOptions<HostOptions>().PostConfigure<IOptions<MediaNodeOptions>>((host, node) =>
            host.ShutdownTimeout = node.Value.DrainTimeout + node.Value.EventPostTimeout + TimeSpan.FromSeconds(15));

        // Application Insights takes only Entra ID tokens (local auth off): the node's identity (AZURE_CLIENT_ID, role
        // Monitoring Metrics Publisher) signs the export. The transport's spans are recorded too, so a command's
        // handling joins the trace of the dial or webhook that sent it.
        var appInsights = configuration[AppInsightsConnectionStringVariable];
        TokenCredential? monitorCredential = string.IsNullOrWhiteSpace(appInsights) ? null : new DefaultAzureCredential();
        var telemetry = services.AddOpenTelemetry()
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(MediaNodeMetrics.Name);
                if (monitorCredential is not null)
                {
                    metrics.AddAzureMonitorMetricExporter(o => o.ConnectionString = appInsights, monitorCredential);
                }
            })
            .WithTracing(tracing =>
            {
                tracing.AddSource(MediaNodeMetrics.Name, CommandProcessor.ActivitySource.Name);
                if (monitorCredential is not null)
                {
                    tracing.AddAzureMonitorTraceExporter(o => o.ConnectionString = appInsights, monitorCredential);
                }
            });
        if (!string.IsNullOrWhiteSpace(configuration[OtlpEndpointVariable]))
        {
            // Exported only where a collector is configured (standard OTEL_* variables); otherwise in-process only.
            telemetry.UseOtlpExporter();
        }

        return services;
    }

    private static MediaNodeOptions Node(IServiceProvider sp) => sp.GetRequiredService<MediaNodeOptions>();

    // The generic host's environment setting (the container image runs Production).
    private static bool IsDevelopment(IConfiguration configuration) =>
        string.Equals(configuration["DOTNET_ENVIRONMENT"] ?? configuration["ASPNETCORE_ENVIRONMENT"], "Development", StringComparison.OrdinalIgnoreCase);
}
