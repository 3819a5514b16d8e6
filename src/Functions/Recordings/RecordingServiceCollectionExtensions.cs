using Azure.Core;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Serverless.Functions.Recordings;

/// <summary>Registration of <see cref="RecordingLinks"/>.</summary>
public static class RecordingServiceCollectionExtensions
{
    /// <summary>
    /// Binds section <see cref="RecordingOptions.SectionName"/> (validated on start). With <c>ServiceUri</c> the links
    /// are user-delegation SAS from the registered <see cref="TokenCredential"/>; otherwise service SAS from
    /// <c>ConnectionString</c>, or from <c>Storage:ConnectionString</c> when that is unset too.
    /// </summary>
    public static IServiceCollection AddRecordingLinks(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<RecordingOptions>()
            .Bind(configuration.GetSection(RecordingOptions.SectionName))
            .Validate(o =>
            {
                o.Validate();
                return true;
            })
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<RecordingOptions>>();
            if (options.Value.ServiceUri is { } uri)
            {
                return new RecordingAccount(new BlobServiceClient(uri, sp.GetRequiredService<TokenCredential>()), Delegated: true);
            }

            var connection = options.Value.ConnectionString
                ?? configuration["Storage:ConnectionString"]
                ?? throw new InvalidOperationException("Recordings:ServiceUri or Recordings:ConnectionString must be set.");
            return new RecordingAccount(new BlobServiceClient(connection), Delegated: false);
        });
        services.TryAddSingleton(sp =>
        {
            var account = sp.GetRequiredService<RecordingAccount>();
            return new RecordingLinks(account.Service, account.Delegated, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<RecordingOptions>>());
        });
        services.TryAddSingleton(sp => new RecordingBlobs(sp.GetRequiredService<RecordingAccount>().Service));
        return services;
    }
}

/// <summary>The media storage account's client, shared by the links and the deletes.</summary>
internal sealed record RecordingAccount(BlobServiceClient Service, bool Delegated);
