using Azure;
using Azure.Core;
using Azure.Storage.Queues;
using Serverless.Shared.Transport.StorageQueues;

namespace Serverless.Shared.Tests.Transport;

/// <summary>
/// The Azurite queue service these tests run against: <c>AZURE_STORAGE_CONNECTION_STRING</c>, defaulting to
/// <c>UseDevelopmentStorage=true</c>. Unreachable means the test FAILS with a message saying so (never skips).
/// </summary>
internal static class Azurite
{
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("AZURE_STORAGE_CONNECTION_STRING") is { Length: > 0 } cs ? cs : "UseDevelopmentStorage=true";

    /// <summary>A queue service client with the transport's encoding, after checking the service answers.</summary>
    public static async Task<QueueServiceClient> ConnectAsync(string? connectionString = null)
    {
        var options = StorageQueueClients.CreateClientOptions();
        // Fail fast instead of retrying for a minute when nothing listens.
        options.Retry.MaxRetries = 0;
        options.Retry.Mode = RetryMode.Fixed;
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(5);
        var service = new QueueServiceClient(connectionString ?? ConnectionString, options);
        try
        {
            await service.GetPropertiesAsync();
        }
        catch (Exception ex) when (ex is RequestFailedException or AggregateException or HttpRequestException)
        {
            throw new InvalidOperationException(
                $"Azurite (Storage Queue service at {service.Uri}) is not reachable. Start it before running these tests, e.g. "
                + "`azurite --inMemoryPersistence --skipApiVersionCheck --queueHost 127.0.0.1`, or set AZURE_STORAGE_CONNECTION_STRING.",
                ex);
        }

        return service;
    }

    /// <summary>A fresh queue-name prefix so parallel tests never share queues.</summary>
    public static string UniquePrefix() => "t" + Guid.NewGuid().ToString("N")[..10];
}
