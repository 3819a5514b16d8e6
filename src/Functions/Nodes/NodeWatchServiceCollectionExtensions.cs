using Azure.Core;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Serverless.Functions.Nodes;

/// <summary>Registers the node registry and its options (validated on start).</summary>
public static class NodeWatchServiceCollectionExtensions
{
    public static IServiceCollection AddNodeWatch(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<NodeWatchOptions>().Bind(configuration.GetSection(NodeWatchOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<NodeWatchOptions>>().Value;
            // The nodes' account in Azure (read and delete rows: Storage Table Data Contributor); else the app's own.
            var service = o.TableServiceUri is { IsAbsoluteUri: true } uri
                ? new TableServiceClient(uri, sp.GetRequiredService<TokenCredential>())
                : o.ConnectionString is { Length: > 0 } connection
                    ? new TableServiceClient(connection)
                    : sp.GetRequiredService<TableServiceClient>();
            return new NodeHeartbeatTable(service.GetTableClient(o.HeartbeatTable));
        });
        services.TryAddSingleton<NodeRegistry>();
        return services;
    }
}
