using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Serverless.Functions.Calls;

namespace Serverless.Functions.Tests.Calls;

/// <summary>
/// Table Storage for tests: AZURE_STORAGE_CONNECTION_STRING, default Azurite (UseDevelopmentStorage=true).
/// Every store gets fresh tables under a unique prefix, so tests do not see each other's rows.
/// </summary>
internal static class AzuriteTables
{
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("AZURE_STORAGE_CONNECTION_STRING") is { Length: > 0 } cs
            ? cs
            : "UseDevelopmentStorage=true";

    public static string UniquePrefix() => "t" + Guid.NewGuid().ToString("N")[..16];

    public static TableServiceClient Client(HttpPipelinePolicy? policy = null)
    {
        var options = new TableClientOptions();
        // Fail fast when Azurite is down instead of retrying for a minute.
        options.Retry.MaxRetries = 1;
        options.Retry.Delay = TimeSpan.FromMilliseconds(50);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
        if (policy is not null)
        {
            options.AddPolicy(policy, HttpPipelinePosition.PerCall);
        }

        return new TableServiceClient(ConnectionString, options);
    }

    public static async Task<TableCallStore> StoreAsync(
        string prefix, TimeProvider time, HttpPipelinePolicy? policy = null, int maxRetries = 64, ILogger<TableCallStore>? logger = null)
    {
        var client = Client(policy);
        var options = Options.Create(new CallStoreOptions { TablePrefix = prefix, MaxConcurrencyRetries = maxRetries });
        var store = new TableCallStore(client, options, CallStateMachine.Default, time, logger ?? NullLogger<TableCallStore>.Instance);
        try
        {
            await store.InitializeAsync();
        }
        catch (Exception ex) when (ex is RequestFailedException or AggregateException or HttpRequestException)
        {
            throw new InvalidOperationException(
                $"Table Storage at {client.Uri} is not reachable. These tests need Azurite: start it in a " +
                "loopback-only network namespace (bash scripts/test.sh does) or set AZURE_STORAGE_CONNECTION_STRING.",
                ex);
        }

        return store;
    }

    public static async Task DeleteTablesAsync(string prefix)
    {
        var options = new CallStoreOptions { TablePrefix = prefix };
        var client = Client();
        // The app's permission and callback tables share the prefix (CallingApp); deleting a missing table is a no-op.
        foreach (var table in new[] { options.CallsTable, options.WacidIndexTable, options.IdempotencyTable, options.CallIndexTable, prefix + "CallPermissions", prefix + "CallbackOutbox", prefix + "Dials", prefix + "HeldWebhooks", prefix + "Audit", prefix + "CallRollups" })
        {
            try
            {
                await client.DeleteTableAsync(table);
            }
            catch (RequestFailedException)
            {
                // A table this test never created: nothing to clean.
            }
        }
    }

    public static FakeTimeProvider Clock() => new(CallScenarios.T0);
}

/// <summary>Runs an action just before the first entity-group transaction ($batch) leaves this client.</summary>
internal sealed class BeforeFirstBatchPolicy(Func<Task> action) : HttpPipelinePolicy
{
    private int _fired;

    public int Batches { get; private set; }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (message.Request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal))
        {
            Batches++;
            if (Interlocked.Exchange(ref _fired, 1) == 0)
            {
                await action();
            }
        }

        await ProcessNextAsync(message, pipeline);
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        throw new NotSupportedException("The store only uses the async API.");
}
