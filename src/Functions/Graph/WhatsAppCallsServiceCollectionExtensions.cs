using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Serverless.Shared.WhatsApp.Graph;

namespace Serverless.Functions.Graph;

public static class WhatsAppCallsServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IWhatsAppCalls"/> over the shared Graph client, configured from section
    /// <see cref="WhatsAppGraphOptions.SectionName"/> (token, base URL, version, resilience), validated on start.
    /// </summary>
    public static IServiceCollection AddWhatsAppCalls(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddWhatsAppGraphClient(configuration.GetSection(WhatsAppGraphOptions.SectionName));
        services.TryAddTransient<IWhatsAppCalls, GraphWhatsAppCalls>();
        return services;
    }
}
