using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.MediaNode.Hosting;

namespace Serverless.MediaNode.Host.Tests.Unit;

/// <summary>In Azure the node reaches its storage with its identity (service URIs), locally with a connection string.</summary>
public sealed class StorageIdentityTests
{
    [Fact]
    public void ServiceUris_RegisterIdentityBasedClientsForThoseEndpoints()
    {
        using var provider = Build(new()
        {
            ["MediaNode:BlobServiceUri"] = "https://stmediasample.blob.core.windows.net/",
            ["MediaNode:TableServiceUri"] = "https://stmediasample.table.core.windows.net/",
        });

        Assert.Equal(new Uri("https://stmediasample.blob.core.windows.net/"), provider.GetRequiredService<BlobServiceClient>().Uri);
        Assert.Equal(new Uri("https://stmediasample.table.core.windows.net/"), provider.GetRequiredService<TableServiceClient>().Uri);
        // No account key: an identity-based client cannot sign SAS URIs with a shared key.
        Assert.False(provider.GetRequiredService<BlobServiceClient>().CanGenerateAccountSasUri);
    }

    [Fact]
    public void ConnectionString_StillServesAzuriteLocally()
    {
        using var provider = Build(new() { ["MediaNode:StorageConnectionString"] = "UseDevelopmentStorage=true" });

        Assert.True(provider.GetRequiredService<BlobServiceClient>().CanGenerateAccountSasUri);
        Assert.Equal("devstoreaccount1", provider.GetRequiredService<TableServiceClient>().AccountName);
    }

    [Theory]
    [InlineData("https://a.blob.core.windows.net/", null)]
    [InlineData("http://a.blob.core.windows.net/", "http://a.table.core.windows.net/")]
    public void HalfOrPlainHttpServiceUris_FailValidation(string blob, string? table)
    {
        var options = new MediaNodeOptions
        {
            NodeId = "node-1",
            PublicAddress = "203.0.113.7",
            EventsUrl = new Uri("https://func.example/api/media/events"),
            EventsSecret = "s",
            BlobServiceUri = new Uri(blob),
            TableServiceUri = table is null ? null : new Uri(table),
        };

        Assert.False(new MediaNodeOptionsValidator().Validate(null, options).Succeeded);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        settings["MediaNode:NodeId"] = "node-1";
        settings["MediaNode:PublicAddress"] = "203.0.113.7";
        settings["MediaNode:EventsUrl"] = "https://func.example/api/media/events";
        settings["MediaNode:EventsSecret"] = "node-1-own-key-0123456789";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMediaNode(configuration);
        return services.BuildServiceProvider();
    }
}
