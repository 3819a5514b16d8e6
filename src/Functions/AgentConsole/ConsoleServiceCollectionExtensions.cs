using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Serverless.Functions.SignIn;

namespace Serverless.Functions.AgentConsole;

/// <summary>Registration of the agent console (options validated on start, sign-in check).</summary>
public static class ConsoleServiceCollectionExtensions
{
    public static IServiceCollection AddAgentConsole(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ConsoleOptions>().Bind(configuration.GetSection(ConsoleOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => o.WebPubSub.Endpoint is null || (o.WebPubSub.Endpoint.IsAbsoluteUri && o.WebPubSub.Endpoint.Scheme is "https" or "http"),
                "Console:WebPubSub:Endpoint must be an absolute https URL (http only for the local stand-in).")
            .Validate(o => o.WebPubSub.Endpoint is not { Scheme: "http" } plain || plain.IsLoopback,
                "Console:WebPubSub:Endpoint may be plain http only on loopback (the local stand-in).")
            .Validate(o => o.WebPubSub.ClientTokenLifetime >= TimeSpan.FromMinutes(1) && o.WebPubSub.ClientTokenLifetime <= TimeSpan.FromDays(1),
                "Console:WebPubSub:ClientTokenLifetime must be from 1 minute to 1 day.")
            .Validate(o => System.Text.RegularExpressions.Regex.IsMatch(o.WebPubSub.Hub ?? "", "^[A-Za-z][A-Za-z0-9_]{0,127}$"),
                "Console:WebPubSub:Hub must be letters, digits and '_', starting with a letter.")
            .Validate(o => o.WebPubSub.AccessKey is null || !Serverless.Shared.Security.PlaceholderSecrets.IsPlaceholder(o.WebPubSub.AccessKey),
                Serverless.Shared.Security.PlaceholderSecrets.Message("Console:WebPubSub:AccessKey"))
            .ValidateOnStart();
        services.TryAddSingleton<SignedInUsers>();
        services.TryAddSingleton<ConsoleAuth>();
        services.TryAddSingleton<ConsoleStore>();
        services.TryAddSingleton<ConsoleFlow>();
        services.TryAddSingleton<Flows.IStartPlanFilter, QueueHoldPrompts>();
        services.AddHttpClient(WebPubSubPublisher.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10));
        services.TryAddSingleton(sp => new WebPubSubPublisher(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(WebPubSubPublisher.HttpClientName),
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ConsoleOptions>>(),
            sp.GetRequiredService<Azure.Core.TokenCredential>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<WebPubSubPublisher>>()));
        return services;
    }
}
