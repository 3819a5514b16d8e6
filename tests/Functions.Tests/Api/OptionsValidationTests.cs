using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Serverless.Functions.Hosting;
using Serverless.Functions.Tests.App;
using Serverless.Testing.FunctionsHost;

namespace Serverless.Functions.Tests.Api;

/// <summary>A misconfigured deployment fails at start-up, naming the setting, instead of at the first call.</summary>
public sealed class OptionsValidationTests
{
    [Theory]
    [InlineData("Meta:AppSecret", "")]
    [InlineData("Meta:VerifyToken", "")]
    [InlineData("Meta:DefaultPhoneNumberId", "5555")]
    [InlineData("MediaEvents:NodeKeys:node-1", "short")]
    [InlineData("MediaEvents:NodeKeys:node-2", CallingApp.MediaSecret)]
    [InlineData("MediaEvents:NodeKeys:node 3", "a-key-for-an-invalid-node-id-0123")]
    [InlineData("Calls:AnswerWindow", "00:01:30")]
    [InlineData("WhatsAppGraph:BaseUrl", "not a url")]
    [InlineData("Transport:Kind", "ServiceBus")]
    public async Task Host_refuses_to_start_with_an_invalid_setting(string key, string value)
    {
        var settings = CallingApp.Settings("tvalidation", new Uri("http://127.0.0.1:9/"));
        settings[key] = value;

        var ex = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => FunctionsTestHost.StartAsync(
            new FunctionsTestHostOptions(typeof(ServerlessCallingServiceCollectionExtensions).Assembly)
            {
                IncludeEnvironmentVariables = false,
                Settings = settings,
                ConfigureServices = ServerlessCallingServiceCollectionExtensions.Register,
            }));
        Assert.DoesNotContain(CallingApp.AppSecret, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(CallingApp.MediaSecret, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_storage_service_uri_switches_every_table_to_one_identity_based_client()
    {
        var settings = CallingApp.Settings("tidentity", new Uri("http://127.0.0.1:9/"));
        settings["Storage:ServiceUri"] = "https://example-account.table.core.windows.net/";

        await using var host = await FunctionsTestHost.StartAsync(
            new FunctionsTestHostOptions(typeof(ServerlessCallingServiceCollectionExtensions).Assembly)
            {
                IncludeEnvironmentVariables = false,
                Settings = settings,
                ConfigureServices = ServerlessCallingServiceCollectionExtensions.Register,
            });

        var client = host.Services.GetRequiredService<TableServiceClient>();
        Assert.Equal(new Uri("https://example-account.table.core.windows.net/"), client.Uri);
    }
}
