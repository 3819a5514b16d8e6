using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Serverless.MediaNode.Audio.Streaming;
using Serverless.MediaNode.Hosting;

namespace Serverless.MediaNode.Host.Tests.Unit;

/// <summary>The node's Key Vault for stream keys (<c>StreamKeys</c>): a SecretClient by its identity when configured, checked at start.</summary>
public sealed class StreamKeysTests
{
    [Fact]
    public void A_configured_vault_registers_an_identity_based_secret_client_for_stream_credentials()
    {
        using var provider = Build(new() { ["StreamKeys:KeyVaultUri"] = "https://kv-sample.vault.azure.net/", ["StreamKeys:SecretCacheDuration"] = "00:02:00" });

        Assert.Equal(new Uri("https://kv-sample.vault.azure.net/"), provider.GetRequiredService<SecretClient>().VaultUri);
        Assert.Equal(TimeSpan.FromMinutes(2), provider.GetRequiredService<IOptions<StreamKeysOptions>>().Value.SecretCacheDuration);
        Assert.NotNull(provider.GetRequiredService<StreamCredentials>());
    }

    [Fact]
    public void Without_a_vault_there_is_no_secret_client_and_credentials_still_resolve()
    {
        using var provider = Build([]);

        Assert.Null(provider.GetService<SecretClient>());
        Assert.NotNull(provider.GetRequiredService<StreamCredentials>());
    }

    [Theory]
    [InlineData("StreamKeys:KeyVaultUri", "http://kv-sample.vault.azure.net/", "https://")]
    [InlineData("StreamKeys:SecretCacheDuration", "02:00:00", "01:00:00")]
    public void Bad_settings_fail_validation_naming_them(string key, string value, string message)
    {
        using var provider = Build(new() { [key] = value });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<StreamKeysOptions>>().Value);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        settings["MediaNode:NodeId"] = "node-1";
        settings["MediaNode:PublicAddress"] = "203.0.113.7";
        settings["MediaNode:EventsUrl"] = "https://func.example/api/media/events";
        settings["MediaNode:EventsSecret"] = "node-1-own-key-0123456789";
        settings["MediaNode:StorageConnectionString"] = "UseDevelopmentStorage=true";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMediaNode(configuration);
        return services.BuildServiceProvider();
    }
}
