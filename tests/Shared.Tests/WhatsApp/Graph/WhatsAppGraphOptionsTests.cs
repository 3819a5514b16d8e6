using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Serverless.Shared.WhatsApp.Graph;

namespace Serverless.Shared.Tests.WhatsApp.Graph;

/// <summary>Options validation runs at start (ValidateOnStart) and refuses a missing token or a bad URL.</summary>
public sealed class WhatsAppGraphOptionsTests
{
    [Fact]
    public void Defaults_with_a_token_are_valid_and_point_at_graph_facebook_com()
    {
        var options = Resolve(o => o.AccessToken = "EAAtoken");

        Assert.Equal("https://graph.facebook.com/", options.BaseUrl);
        Assert.Equal("v23.0", options.GraphVersion);
        Assert.True(options.TotalRequestTimeout >= options.RequestTimeout);
    }

    [Fact]
    public void A_missing_token_fails_validation()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(_ => { }));
        Assert.Contains(ex.Failures, f => f.Contains(nameof(WhatsAppGraphOptions.AccessToken), StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("graph.facebook.com")]
    [InlineData("ftp://graph.facebook.com/")]
    [InlineData("https://graph.facebook.com/?access_token=x")]
    [InlineData("")]
    public void A_bad_base_url_fails_validation(string baseUrl)
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(o =>
        {
            o.AccessToken = "EAAtoken";
            o.BaseUrl = baseUrl;
        }));
        Assert.Contains(ex.Failures, f => f.Contains(nameof(WhatsAppGraphOptions.BaseUrl), StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("23.0")]
    [InlineData("v23")]
    [InlineData("v23.0/../x")]
    public void A_bad_graph_version_fails_validation(string version) =>
        Assert.Throws<OptionsValidationException>(() => Resolve(o =>
        {
            o.AccessToken = "EAAtoken";
            o.GraphVersion = version;
        }));

    [Fact]
    public void A_total_timeout_shorter_than_one_attempt_fails_validation() =>
        Assert.Throws<OptionsValidationException>(() => Resolve(o =>
        {
            o.AccessToken = "EAAtoken";
            o.RequestTimeout = TimeSpan.FromSeconds(30);
            o.TotalRequestTimeout = TimeSpan.FromSeconds(10);
        }));

    [Fact]
    public void Options_bind_from_a_configuration_section()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["WhatsAppGraph:BaseUrl"] = "http://127.0.0.1:5000/",
            ["WhatsAppGraph:GraphVersion"] = "v24.0",
            ["WhatsAppGraph:AccessToken"] = "EAAfromconfig",
            ["WhatsAppGraph:RequestTimeout"] = "00:00:05",
            ["WhatsAppGraph:MaxRetryAttempts"] = "2",
        }).Build();
        var services = new ServiceCollection();
        services.AddWhatsAppGraphClient(configuration.GetSection(WhatsAppGraphOptions.SectionName));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<WhatsAppGraphOptions>>().Value;

        Assert.Equal(("http://127.0.0.1:5000/", "v24.0", "EAAfromconfig"), (options.BaseUrl, options.GraphVersion, options.AccessToken));
        Assert.Equal(TimeSpan.FromSeconds(5), options.RequestTimeout);
        Assert.Equal(2, options.MaxRetryAttempts);
        Assert.IsType<WhatsAppGraphClient>(provider.GetRequiredService<IWhatsAppGraphClient>());
    }

    [Fact]
    public async Task A_host_with_a_missing_token_fails_to_start()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddWhatsAppGraphClient(o => o.BaseUrl = "https://graph.facebook.com/");
        using var host = builder.Build();

        await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
    }

    private static WhatsAppGraphOptions Resolve(Action<WhatsAppGraphOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddWhatsAppGraphClient(configure);
        using var provider = services.BuildServiceProvider();

        // ValidateOnStart registers this validator; a host calls it while starting.
        provider.GetRequiredService<IStartupValidator>().Validate();
        return provider.GetRequiredService<IOptions<WhatsAppGraphOptions>>().Value;
    }
}
