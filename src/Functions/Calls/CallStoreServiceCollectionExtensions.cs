using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Serverless.Functions.Calls;

public static class CallStoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ICallStore"/> (Table Storage), the <see cref="CallStateMachine"/> and a
    /// <see cref="TimeProvider"/>. A <see cref="TableServiceClient"/> already registered (e.g. identity-based in
    /// Azure) is used; otherwise one is built from <see cref="CallStoreOptions.ConnectionString"/>.
    /// </summary>
    public static IServiceCollection AddCallStore(this IServiceCollection services, Action<CallStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<CallStoreOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.Validate(o =>
        {
            o.Validate();
            return true;
        });
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new TableServiceClient(sp.GetRequiredService<IOptions<CallStoreOptions>>().Value.ConnectionString));
        services.TryAddSingleton(sp => new CallStateMachine(sp.GetRequiredService<IOptions<CallStoreOptions>>().Value.Timeouts));
        services.TryAddSingleton<TableCallStore>();
        services.TryAddSingleton<ICallStore>(sp => sp.GetRequiredService<TableCallStore>());
        return services;
    }
}
