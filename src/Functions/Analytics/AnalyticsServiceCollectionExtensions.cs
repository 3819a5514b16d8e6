using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Serverless.Functions.SignIn;

namespace Serverless.Functions.Analytics;

/// <summary>Registration of the call rollups and the analytics API.</summary>
public static class AnalyticsServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="CallRollupStore"/>, <see cref="CallAnalytics"/> and <see cref="CallRollups"/> with
    /// <see cref="AnalyticsOptions"/> from section <see cref="AnalyticsOptions.SectionName"/> (validated on start).
    /// Needs a <c>TableServiceClient</c>.
    /// </summary>
    public static IServiceCollection AddCallAnalytics(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<AnalyticsOptions>()
            .Bind(configuration.GetSection(AnalyticsOptions.SectionName))
            .Validate(o =>
            {
                o.Validate();
                return true;
            })
            .ValidateOnStart();
        services.TryAddSingleton<CallRollupStore>();
        services.TryAddSingleton<CallAnalytics>();
        services.TryAddSingleton<CallRollups>();
        services.TryAddSingleton<RollupBackfill>();
        // The dashboard's routes answer with the analytics API's own handlers.
        services.TryAddTransient<AnalyticsApi>();
        services.TryAddSingleton<SignedInUsers>(); // the dashboard's sign-in, shared with the console
        return services;
    }
}
