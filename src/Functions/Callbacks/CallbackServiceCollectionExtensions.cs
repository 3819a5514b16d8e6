using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Serverless.Functions.Callbacks;

/// <summary>Registration of status callbacks.</summary>
public static class CallbackServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ICallbackDispatcher"/> (and <see cref="CallbackDispatcher"/> for the drain), the
    /// <see cref="CallbackUrlPolicy"/> and the guarded <see cref="CallbackDispatcher.HttpClientName"/> HTTP client, with
    /// <see cref="CallbackOptions"/> bound from section <see cref="CallbackOptions.SectionName"/>. A registered
    /// <see cref="TableServiceClient"/> is used; otherwise one is built from <see cref="CallbackOptions.ConnectionString"/>.
    /// </summary>
    public static IServiceCollection AddCallbackDispatch(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<CallbackOptions>()
            .Bind(configuration.GetSection(CallbackOptions.SectionName))
            .Validate(o =>
            {
                o.Validate();
                return true;
            })
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new TableServiceClient(sp.GetRequiredService<IOptions<CallbackOptions>>().Value.ConnectionString));
        services.TryAddSingleton(sp => new CallbackUrlPolicy(sp.GetRequiredService<IOptions<CallbackOptions>>()));
        services.TryAddSingleton(sp => new CallbackOutbox(sp.GetRequiredService<TableServiceClient>(), sp.GetRequiredService<IOptions<CallbackOptions>>()));
        services.AddHttpClient(CallbackDispatcher.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => CallbackHttpHandler.Create(sp.GetRequiredService<CallbackUrlPolicy>()));
        services.TryAddSingleton(sp => new CallbackDispatcher(
            sp.GetRequiredService<CallbackOutbox>(),
            sp.GetRequiredService<CallbackUrlPolicy>(),
            sp.GetRequiredService<IHttpClientFactory>(),
            sp.GetRequiredService<IOptions<CallbackOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<CallbackDispatcher>>()));
        services.TryAddSingleton<ICallbackDispatcher>(sp => sp.GetRequiredService<CallbackDispatcher>());
        return services;
    }
}
