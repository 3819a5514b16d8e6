using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Serverless.Functions.Calls;
using Serverless.Functions.Flows;
using Serverless.Functions.Graph;
using Serverless.Functions.Webhooks;
using Serverless.Shared.Media;
using Serverless.Shared.Security;
using Serverless.Shared.Transport;

namespace Serverless.Functions.Hosting;

/// <summary>The one registration of the Functions app; Program.cs and the test host both call it.</summary>
public static class ServerlessCallingServiceCollectionExtensions
{
    /// <summary>
    /// Registers options (validated on start), the call store, the command transport, the Graph calls client and
    /// the flows. Services registered before this call (a TimeProvider, a TableServiceClient, an
    /// <see cref="Graph.IWhatsAppCalls"/>) are kept.
    /// </summary>
    public static IServiceCollection AddServerlessCalling(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<MetaOptions>().Bind(configuration.GetSection(MetaOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<MediaEventsOptions>().Bind(configuration.GetSection(MediaEventsOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<CallFlowOptions>().Bind(configuration.GetSection(CallFlowOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();

        AddAzureIdentity(services, configuration);

        var flowOptions = new CallFlowOptions();
        configuration.GetSection(CallFlowOptions.SectionName).Bind(flowOptions);
        services.AddCallStore(o =>
        {
            configuration.GetSection("CallStore").Bind(o);
            o.Timeouts = flowOptions.ToCallTimeouts();
        });
        services.AddOptions<CallStoreOptions>().ValidateOnStart();

        services.AddMediaCommandTransport(configuration);
        services.AddWhatsAppCalls(configuration);

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new MediaEventSigner(
            new HmacSha256Signature(sp.GetRequiredService<IOptions<MediaEventsOptions>>().Value.Secret),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<MediaEventsOptions>>().Value.MaxAge));
        services.TryAddSingleton<CallFlow>();
        services.TryAddSingleton<WebhookDispatcher>();
        return services;
    }

    /// <summary>
    /// In Azure the app uses its managed identity: <c>CallStore:ServiceUri</c> registers an identity-based
    /// <see cref="TableServiceClient"/> (Microsoft.Extensions.Azure), and identity-based transport endpoints resolve
    /// the <see cref="TokenCredential"/>. Locally, connection strings are used and the credential is never built.
    /// </summary>
    private static void AddAzureIdentity(IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton<TokenCredential>(_ => new DefaultAzureCredential());
        if (Uri.TryCreate(configuration["CallStore:ServiceUri"], UriKind.Absolute, out var tableUri))
        {
            services.AddAzureClients(clients =>
            {
                clients.AddTableServiceClient(tableUri);
                clients.UseCredential(sp => sp.GetRequiredService<TokenCredential>());
            });
        }
    }

    /// <summary>The callback shape the test host takes: <c>(services, configuration)</c>.</summary>
    public static void Register(IServiceCollection services, IConfiguration configuration) =>
        services.AddServerlessCalling(configuration);
}
