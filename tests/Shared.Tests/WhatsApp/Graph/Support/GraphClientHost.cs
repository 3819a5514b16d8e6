using Microsoft.Extensions.DependencyInjection;
using Serverless.Shared.WhatsApp.Graph;

namespace Serverless.Shared.Tests.WhatsApp.Graph.Support;

/// <summary>Builds the client exactly as production does (AddWhatsAppGraphClient), with test edges swapped in.</summary>
internal sealed class GraphClientHost : IDisposable
{
    public const string Token = "EAAtest-token-123";
    public const string PhoneNumberId = "106540352242922";

    private readonly ServiceProvider _provider;

    public GraphClientHost(
        string baseUrl,
        HttpMessageHandler? primaryHandler = null,
        Action<WhatsAppGraphOptions>? configure = null,
        DelegatingHandler? innerHandler = null,
        Action<IServiceCollection>? services = null)
    {
        Time = new TrackingTimeProvider(new DateTimeOffset(2026, 1, 5, 10, 0, 0, TimeSpan.Zero));
        var collection = new ServiceCollection();
        collection.AddSingleton<TimeProvider>(Time);
        services?.Invoke(collection);
        var builder = collection.AddWhatsAppGraphClient(o =>
        {
            o.BaseUrl = baseUrl;
            o.AccessToken = Token;
            o.RequestTimeout = TimeSpan.FromSeconds(10);
            o.TotalRequestTimeout = TimeSpan.FromSeconds(100);
            o.RetryBaseDelay = TimeSpan.FromSeconds(1);
            o.RetryMaxDelay = TimeSpan.FromSeconds(30);
            configure?.Invoke(o);
        });
        if (primaryHandler is not null)
        {
            builder.ConfigurePrimaryHttpMessageHandler(() => primaryHandler);
        }

        if (innerHandler is not null)
        {
            builder.AddHttpMessageHandler(() => innerHandler);
        }

        _provider = collection.BuildServiceProvider();
        Client = _provider.GetRequiredService<WhatsAppGraphClient>();
    }

    public TrackingTimeProvider Time { get; }

    public WhatsAppGraphClient Client { get; }

    /// <remarks>
    /// Polly's pipeline disposal waits (on the pipeline's clock, up to 30 s in 1 s steps) for executions
    /// still in flight; a test that failed while a retry was pending would otherwise hang on the fake clock.
    /// So the clock is pumped, in bounded real steps, until disposal finishes.
    /// </remarks>
    public void Dispose()
    {
        var disposal = Task.Run(_provider.Dispose);
        for (var step = 0; step < 200 && !disposal.Wait(TimeSpan.FromMilliseconds(20)); step++)
        {
            Time.Advance(TimeSpan.FromSeconds(1));
        }

        disposal.Wait(TimeSpan.FromSeconds(10));
        Time.Dispose();
    }
}
