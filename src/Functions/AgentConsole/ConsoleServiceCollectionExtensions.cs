using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

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
            .Validate(o => o.WebPubSub.ClientTokenLifetime >= TimeSpan.FromMinutes(1), "Console:WebPubSub:ClientTokenLifetime must be at least 1 minute.")
            .ValidateOnStart();
        services.TryAddSingleton<ConsoleAuth>();
        return services;
    }
}
