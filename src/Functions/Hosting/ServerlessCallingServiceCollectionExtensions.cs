using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Serverless.Functions.AgentConsole;
using Serverless.Functions.Analytics;
using Serverless.Functions.Callbacks;
using Serverless.Functions.Api;
using Serverless.Functions.Calls;
using Serverless.Functions.Dials;
using Serverless.Functions.Flows;
using Serverless.Functions.Graph;
using Serverless.Functions.MediaEvents;
using Serverless.Functions.Permissions;
using Serverless.Functions.Privacy;
using Serverless.Functions.Settings;
using Serverless.Functions.Storage;
using Serverless.Functions.Webhooks;
using Serverless.Shared.AudioPlans;
using Serverless.Shared.Media;
using Serverless.Shared.Security;
using Serverless.Functions.Recordings;
using Serverless.Shared.Transport;

using Serverless.Functions.Nodes;

namespace Serverless.Functions.Hosting;

/// <summary>The one registration of the Functions app; Program.cs and the test host both call it.</summary>
public static class ServerlessCallingServiceCollectionExtensions
{
    /// <summary>
    /// Registers options (validated on start), the one <see cref="TableServiceClient"/> every table uses (see
    /// <see cref="StorageOptions"/>), the call store, permissions, calling settings, status callbacks, the command
    /// transport, the Graph clients and the flows. Services registered before this call (a TimeProvider, a
    /// TableServiceClient, an <see cref="Graph.IWhatsAppCalls"/>) are kept.
    /// </summary>
    public static IServiceCollection AddServerlessCalling(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<MetaOptions>().Bind(configuration.GetSection(MetaOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<MediaEventsOptions>().Bind(configuration.GetSection(MediaEventsOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<CallFlowOptions>().Bind(configuration.GetSection(CallFlowOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();

        AddTableStorage(services, configuration);

        var flowOptions = new CallFlowOptions();
        configuration.GetSection(CallFlowOptions.SectionName).Bind(flowOptions);
        services.AddCallStore(o =>
        {
            configuration.GetSection("CallStore").Bind(o);
            o.Timeouts = flowOptions.ToCallTimeouts();
        });
        services.AddOptions<CallStoreOptions>().ValidateOnStart();

        services.AddWorkQueues(configuration);
        services.AddMediaCommandTransport(configuration);
        services.AddWhatsAppCalls(configuration);
        services.AddOptions<Serverless.Shared.WhatsApp.Graph.WhatsAppGraphOptions>()
            .Validate(o => !PlaceholderSecrets.IsPlaceholder(o.AccessToken), PlaceholderSecrets.Message("WhatsAppGraph:AccessToken"))
            .ValidateOnStart();
        services.AddCallPermissions(configuration);
        services.AddCallingSettings(configuration);
        services.AddCallbackDispatch(configuration);
        services.AddDialScheduling(configuration);
        services.AddRecordingLinks(configuration);
        services.AddCallAnalytics(configuration);
        services.TryAddSingleton<BusinessHoursGate>();
        services.TryAddSingleton(sp => new Callbacks.SubscriptionStore(sp.GetRequiredService<Azure.Data.Tables.TableServiceClient>(), sp.GetRequiredService<IOptions<Callbacks.CallbackOptions>>()));
        services.TryAddSingleton<StatusCallbacks>();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<MediaNodeKeys>();
        services.TryAddSingleton<HeldWebhookStore>();
        services.TryAddSingleton<CallFlow>();
        services.AddNodeWatch(configuration);
        services.AddPromptSources(configuration);
        services.AddStreamUrls(configuration, Callbacks.CallbackServiceCollectionExtensions.IsDevelopment(configuration));
        services.TryAddSingleton<DialRequestValidator>();
        services.AddAgentConsole(configuration);
        services.TryAddSingleton<NewCallRate>();
        services.TryAddSingleton<WebhookDispatcher>();
        services.AddOptions<OptOutOptions>().Bind(configuration.GetSection(OptOutOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<UserOptOut>();
        services.AddOptions<RetentionOptions>().Bind(configuration.GetSection(RetentionOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<DataRetention>();
        services.TryAddSingleton<ErasureAudit>();
        services.TryAddSingleton<UserErasure>();
        // Last: runs the inbound webhook's path once before requests are served (resolves the services above).
        services.TryAddSingleton<InboundWarmUp>();
        services.AddHostedService(sp => sp.GetRequiredService<InboundWarmUp>());
        return services;
    }

    /// <summary>
    /// One storage configuration for every table (calls, permissions, callback outbox): in Azure
    /// <c>Storage:ServiceUri</c> registers an identity-based <see cref="TableServiceClient"/> (Microsoft.Extensions.Azure,
    /// the app's managed identity); locally <c>Storage:ConnectionString</c> builds one. The per-feature
    /// <c>ConnectionString</c> options are then never read: their registrations only TryAdd a client.
    /// </summary>
    private static void AddTableStorage(IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton<TokenCredential>(_ => new DefaultAzureCredential());
        var storage = new StorageOptions();
        configuration.GetSection(StorageOptions.SectionName).Bind(storage);
        if (storage.ServiceUri is { IsAbsoluteUri: true } tableUri)
        {
            services.AddAzureClients(clients =>
            {
                clients.AddTableServiceClient(tableUri);
                clients.UseCredential(sp => sp.GetRequiredService<TokenCredential>());
            });
        }
        else
        {
            services.TryAddSingleton(_ => new TableServiceClient(storage.ConnectionString));
        }
    }

    /// <summary>The callback shape the test host takes: <c>(services, configuration)</c>.</summary>
    public static void Register(IServiceCollection services, IConfiguration configuration) =>
        services.AddServerlessCalling(configuration);
}
