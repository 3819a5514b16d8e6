using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Serverless.Testing.FunctionsHost.Discovery;

namespace Serverless.Testing.FunctionsHost.Queues;

/// <summary>
/// Finds a queue trigger's storage account as the extension does: the app setting named by the trigger's
/// <c>Connection</c> (or <c>ConnectionStrings:Name</c>) holding a connection string. Identity-based connections
/// (<c>Name__queueServiceUri</c>) are what Azure uses; the test host has no identity, so it refuses them by name.
/// </summary>
internal static class QueueConnections
{
    public static QueueServiceClient Resolve(IConfiguration configuration, QueueFunctionDescriptor function)
    {
        var name = function.Connection;
        var connectionString = configuration[name] is { Length: > 0 } direct ? direct : configuration[$"ConnectionStrings:{name}"];
        if (!string.IsNullOrEmpty(connectionString))
        {
            return new QueueServiceClient(connectionString);
        }

        if (configuration[$"{name}:queueServiceUri"] is { Length: > 0 } || configuration[$"{name}:serviceUri"] is { Length: > 0 })
        {
            throw new FunctionDiscoveryException(function.Name,
                $"connection '{name}' is identity-based; the test host needs a connection string in setting '{name}'");
        }

        throw new FunctionDiscoveryException(function.Name, $"the storage connection setting '{name}' is not configured");
    }
}
