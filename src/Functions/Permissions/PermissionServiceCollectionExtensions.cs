using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Serverless.Functions.Analytics;
using Serverless.Shared.WhatsApp.Graph.Resilience;

namespace Serverless.Functions.Permissions;

/// <summary>Registration of the permission service and its functions' dependencies.</summary>
public static class PermissionServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IPermissionService"/>, its Table store and the <c>call_permissions</c> limiter (taken on every
    /// Graph HTTP attempt through <see cref="CallPermissionsAttemptGate"/>), with
    /// <see cref="PermissionOptions"/> bound from section <see cref="PermissionOptions.SectionName"/>.
    /// Needs <c>IWhatsAppGraphClient</c> (AddWhatsAppGraphClient). A registered <see cref="TableServiceClient"/> is used;
    /// otherwise one is built from <see cref="PermissionOptions.ConnectionString"/>.
    /// </summary>
    public static IServiceCollection AddCallPermissions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<PermissionOptions>()
            .Bind(configuration.GetSection(PermissionOptions.SectionName))
            .Validate(o =>
            {
                o.Validate();
                return true;
            })
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new TableServiceClient(sp.GetRequiredService<IOptions<PermissionOptions>>().Value.ConnectionString));
        services.TryAddSingleton<PermissionStore>();
        services.TryAddSingleton(sp => new CallPermissionsRateLimiter(
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<PermissionOptions>>().Value.GraphRequestsPerSecond));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IGraphAttemptGate, CallPermissionsAttemptGate>());
        // Requests and grants are counted into the analytics rollups (the permission funnel) where they happen.
        services.AddCallAnalytics(configuration);
        services.TryAddSingleton<IPermissionService, PermissionService>();
        return services;
    }
}
