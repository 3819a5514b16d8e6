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
        var development = IsDevelopment(configuration);
        services.AddOptions<CallbackOptions>()
            .Bind(configuration.GetSection(CallbackOptions.SectionName))
            .Validate(o =>
            {
                o.Validate();
                return true;
            })
            .Validate(
                o => !o.AllowLoopback || development,
                $"Callbacks:AllowLoopback is for local development only; it is refused unless {CallbackOptions.EnvironmentSetting} is Development.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new TableServiceClient(sp.GetRequiredService<IOptions<CallbackOptions>>().Value.ConnectionString));
        services.TryAddSingleton(sp => new CallbackUrlPolicy(sp.GetRequiredService<IOptions<CallbackOptions>>(), development: development));
        services.TryAddSingleton(sp => new CallbackOutbox(sp.GetRequiredService<TableServiceClient>(), sp.GetRequiredService<IOptions<CallbackOptions>>()));
        services.AddHttpClient(CallbackDispatcher.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => CallbackHttpHandler.Create(sp.GetRequiredService<CallbackUrlPolicy>()));
        services.TryAddSingleton(sp => new CallbackDispatcher(
            sp.GetRequiredService<CallbackOutbox>(),
            sp.GetRequiredService<CallbackUrlPolicy>(),
            sp.GetRequiredService<IHttpClientFactory>(),
            sp.GetRequiredService<IOptions<CallbackOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<CallbackDispatcher>>(),
            sp.GetService<Serverless.Functions.Storage.WorkScheduler>()));
        services.TryAddSingleton<ICallbackDispatcher>(sp => sp.GetRequiredService<CallbackDispatcher>());
        return services;
    }

    /// <summary>True when the Functions run in the Development environment (Core Tools' default locally).</summary>
    public static bool IsDevelopment(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var environment = configuration[CallbackOptions.EnvironmentSetting] is { Length: > 0 } named ? named : configuration["DOTNET_ENVIRONMENT"];
        return string.Equals(environment, "Development", StringComparison.OrdinalIgnoreCase);
    }
}
