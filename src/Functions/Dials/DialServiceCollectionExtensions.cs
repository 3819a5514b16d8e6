using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Serverless.Functions.Dials;

/// <summary>Registration of scheduled and retried dials.</summary>
public static class DialServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="DialStore"/>, <see cref="DialPlacer"/> and <see cref="DialScheduler"/> with
    /// <see cref="DialOptions"/> from section <see cref="DialOptions.SectionName"/>. Needs the call store, the flows,
    /// permissions, callbacks and a <c>TableServiceClient</c> (all registered by AddServerlessCalling).
    /// </summary>
    public static IServiceCollection AddDialScheduling(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<DialOptions>()
            .Bind(configuration.GetSection(DialOptions.SectionName))
            .Validate(o =>
            {
                o.Validate();
                return true;
            })
            .ValidateOnStart();
        services.TryAddSingleton<DialStore>();
        services.TryAddSingleton<DialPlacer>();
        services.TryAddSingleton<DialScheduler>();
        return services;
    }
}
