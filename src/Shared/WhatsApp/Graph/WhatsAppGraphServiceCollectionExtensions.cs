using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Serverless.Shared.WhatsApp.Graph.Resilience;

namespace Serverless.Shared.WhatsApp.Graph;

/// <summary>Registers <see cref="WhatsAppGraphClient"/> (also as <see cref="IWhatsAppGraphClient"/>) with validated options and its resilience pipeline.</summary>
public static class WhatsAppGraphServiceCollectionExtensions
{
    /// <summary>Binds <see cref="WhatsAppGraphOptions"/> from <paramref name="section"/> (e.g. <c>WhatsAppGraph</c>).</summary>
    public static IHttpClientBuilder AddWhatsAppGraphClient(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        return AddCore(services, services.AddOptions<WhatsAppGraphOptions>().Bind(section));
    }

    /// <summary>Configures <see cref="WhatsAppGraphOptions"/> in code.</summary>
    public static IHttpClientBuilder AddWhatsAppGraphClient(this IServiceCollection services, Action<WhatsAppGraphOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        return AddCore(services, services.AddOptions<WhatsAppGraphOptions>().Configure(configure));
    }

    /// <remarks>
    /// The returned builder lets a host (or a test) swap the primary handler; the resilience handler stays
    /// above it. <see cref="HttpClient.Timeout"/> is disabled because the pipeline's timeouts, driven by
    /// the registered <see cref="TimeProvider"/>, own timing.
    /// </remarks>
    private static IHttpClientBuilder AddCore(IServiceCollection services, OptionsBuilder<WhatsAppGraphOptions> options)
    {
        options.ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);

        var client = services.AddHttpClient<WhatsAppGraphClient>(http => http.Timeout = Timeout.InfiniteTimeSpan);
        client.AddResilienceHandler(GraphResiliencePipeline.HandlerName, (pipeline, context) =>
            GraphResiliencePipeline.Configure(
                pipeline,
                context.ServiceProvider.GetRequiredService<IOptions<WhatsAppGraphOptions>>().Value,
                context.ServiceProvider.GetRequiredService<TimeProvider>()));
        // Below the pipeline: every attempt, retries included, passes the registered gates (e.g. Meta's 5/s limit).
        client.AddHttpMessageHandler(sp => new GraphAttemptGateHandler(sp.GetServices<IGraphAttemptGate>()));
        services.TryAddTransient<IWhatsAppGraphClient>(sp => sp.GetRequiredService<WhatsAppGraphClient>());
        return client;
    }
}
