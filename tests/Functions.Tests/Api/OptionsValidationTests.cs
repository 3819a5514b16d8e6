using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Serverless.Functions.Hosting;
using Serverless.Shared.Security;
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
    [InlineData("CallingSettings:Numbers:1000001:InboundPlan", "{\"steps\":")]
    [InlineData("CallingSettings:Numbers:1000001:InboundPlan", "[]")]
    [InlineData("CallingSettings:Numbers:not-an-id:InboundPlan", "{\"steps\":[]}")]
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

    [Theory]
    [InlineData("Meta:AppSecret", "REPLACE-app-secret")]
    [InlineData("Meta:VerifyToken", "<verify-token>")]
    [InlineData("Meta:PhoneNumberIds:0", "REPLACE-phone-number-id")]
    [InlineData("MediaEvents:NodeKeys:node-1", "REPLACE-at-least-16-characters")]
    [InlineData("MediaEvents:NodeKeys:node-1", "change-me-change-me-change-me")]
    [InlineData("Callbacks:SigningSecret", "REPLACE-at-least-32-characters-signing-secret")]
    [InlineData("WhatsAppGraph:AccessToken", "REPLACE-graph-token")]
    public async Task Host_refuses_to_start_with_an_example_placeholder_and_says_which_setting(string key, string placeholder)
    {
        var settings = CallingApp.Settings("tplaceholder", new Uri("http://127.0.0.1:9/"));
        settings[key] = placeholder;

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => FunctionsTestHost.StartAsync(
            new FunctionsTestHostOptions(typeof(ServerlessCallingServiceCollectionExtensions).Assembly)
            {
                IncludeEnvironmentVariables = false,
                Settings = settings,
                ConfigureServices = ServerlessCallingServiceCollectionExtensions.Register,
            }));
        var message = ex is AggregateException aggregate ? string.Join(" ", aggregate.Flatten().InnerExceptions.Select(e => e.Message)) : ex.Message;
        Assert.Contains("placeholder", message, StringComparison.Ordinal);
        Assert.Contains(key.Split(':')[0], message, StringComparison.Ordinal);
        Assert.DoesNotContain(placeholder, message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_shipped_example_settings_are_all_recognised_as_placeholders()
    {
        var example = System.Text.Json.JsonDocument.Parse(File.ReadAllText(RepoPaths.Of("src", "Functions", "local.settings.example.json")));
        var secrets = new[] { "Meta__VerifyToken", "Meta__AppSecret", "MediaEvents__NodeKeys__local-node", "WhatsAppGraph__AccessToken", "Callbacks__SigningSecret" };

        foreach (var name in secrets)
        {
            Assert.True(PlaceholderSecrets.IsPlaceholder(example.RootElement.GetProperty("Values").GetProperty(name).GetString()), name);
        }

        // The values the tests and the local run set are real-looking and pass.
        Assert.All(CallingApp.Settings("x", new Uri("http://127.0.0.1:9/")).Values, v => Assert.False(PlaceholderSecrets.IsPlaceholder(v), v));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Production")]
    [InlineData("Staging")]
    public async Task Callbacks_AllowLoopback_refuses_to_start_outside_Development(string? environment)
    {
        var settings = CallingApp.Settings("tloopback", new Uri("http://127.0.0.1:9/"));
        settings["AZURE_FUNCTIONS_ENVIRONMENT"] = environment;

        var ex = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => FunctionsTestHost.StartAsync(
            new FunctionsTestHostOptions(typeof(ServerlessCallingServiceCollectionExtensions).Assembly)
            {
                IncludeEnvironmentVariables = false,
                Settings = settings,
                ConfigureServices = ServerlessCallingServiceCollectionExtensions.Register,
            }));
        Assert.Contains("Callbacks:AllowLoopback", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Callbacks_AllowLoopback_starts_in_Development_and_without_it_anywhere()
    {
        var development = CallingApp.Settings("tloopdev", new Uri("http://127.0.0.1:9/"));
        development["AZURE_FUNCTIONS_ENVIRONMENT"] = "Development";
        var production = CallingApp.Settings("tloopprod", new Uri("http://127.0.0.1:9/"));
        production["AZURE_FUNCTIONS_ENVIRONMENT"] = "Production";
        production["Callbacks:AllowLoopback"] = "false";

        foreach (var settings in new[] { development, production })
        {
            await using var host = await FunctionsTestHost.StartAsync(
                new FunctionsTestHostOptions(typeof(ServerlessCallingServiceCollectionExtensions).Assembly)
                {
                    IncludeEnvironmentVariables = false,
                    Settings = settings,
                    ConfigureServices = ServerlessCallingServiceCollectionExtensions.Register,
                });
            Assert.NotNull(host.BaseAddress);
        }
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
